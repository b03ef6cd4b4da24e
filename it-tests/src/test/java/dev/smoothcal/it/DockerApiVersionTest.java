package dev.smoothcal.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DockerApiVersionTest {

    @Test
    void parsesMajorMinorAndRejectsOtherShapes() {
        assertArrayEquals(new int[] {1, 41}, DockerApiVersion.parse("1.41").orElseThrow());
        assertArrayEquals(new int[] {1, 52}, DockerApiVersion.parse(" 1.52 ").orElseThrow());
        assertTrue(DockerApiVersion.parse("").isEmpty());
        assertTrue(DockerApiVersion.parse("1.x").isEmpty());
        assertTrue(DockerApiVersion.parse("1.41.0").isEmpty());
    }

    @Test
    void comparesNumericallyNotAsText() {
        assertTrue(DockerApiVersion.compare(new int[] {1, 9}, new int[] {1, 44}) < 0);
        assertTrue(DockerApiVersion.compare(new int[] {1, 44}, new int[] {1, 44}) == 0);
        assertTrue(DockerApiVersion.compare(new int[] {2, 0}, new int[] {1, 44}) > 0);
    }
}
