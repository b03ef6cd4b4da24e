package dev.smoothcal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DockerModeTest {

    @Test
    void autoIsTheDefaultAndRequiredIsRecognised() {
        assertEquals(DockerMode.AUTO, DockerMode.parse(null));
        assertEquals(DockerMode.AUTO, DockerMode.parse(""));
        assertEquals(DockerMode.AUTO, DockerMode.parse("auto"));
        assertEquals(DockerMode.REQUIRED, DockerMode.parse(" Required "));
    }

    @Test
    void unknownValueNamesThePropertyAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DockerMode.parse("yes"));
        assertTrue(e.getMessage().contains("it.docker") && e.getMessage().contains("'yes'"), e.getMessage());
    }
}
