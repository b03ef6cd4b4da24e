/**
 * Quality gates: rules such as {@code ece <= 0.05} or {@code accuracy >= baseline.accuracy - 0.01} checked
 * against an evaluation report, so that a build or pipeline stops a model that misses its bounds.
 * {@link dev.smoothcal.evaluator.gate.Gate} is the entry point; the CLI's {@code --require}, the Maven
 * plugin's {@code check} goal and the JUnit assertions are adapters over it.
 */
package dev.smoothcal.evaluator.gate;
