/**
 * The {@code smoothcal-maven-plugin}: goals {@code train}, {@code evaluate}, {@code interop} and
 * {@code check}, each a thin adapter over the library's typed API, so a Maven build can train a model,
 * measure it and fail when it misses its bounds.
 */
package dev.smoothcal.maven;
