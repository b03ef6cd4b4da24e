package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The ETA's arithmetic and spelling, from given step counts and elapsed times (nothing is timed). */
class EpochEtaTest {

    @Test
    void remainingTimeIsTheStepsLeftAtTheMeasuredRate() {
        // 40 of 250 steps in 16 s: 2.5 steps/s, 210 steps left = 84 s
        EpochEta eta = new EpochEta(40, 250, 16.0);
        assertEquals(2.5, eta.stepsPerSecond(), 1e-12);
        assertEquals(84.0, eta.remainingSeconds(), 1e-9);
        assertEquals(" loss 1.2346, 20 img/s, 2.50 steps/s, epoch ETA 1:24", eta.line(1.23456, 20.0));
        assertEquals(0.0, new EpochEta(250, 250, 100.0).remainingSeconds(), 0.0, "last step: nothing left");
    }

    @Test
    void unknownRateGivesAQuestionMarkNotANumber() {
        assertEquals(Double.NaN, new EpochEta(0, 100, 0.0).remainingSeconds());
        assertEquals(Double.NaN, new EpochEta(3, 100, 0.0).stepsPerSecond());
        assertEquals(" loss 0.5000, 0 img/s, NaN steps/s, epoch ETA ?", new EpochEta(0, 100, 0.0).line(0.5, 0));
    }

    @Test
    void durationsReadAsAClock() {
        assertEquals("0:00", EpochEta.duration(0));
        assertEquals("0:00", EpochEta.duration(0.49));
        assertEquals("0:01", EpochEta.duration(0.5));
        assertEquals("0:59", EpochEta.duration(59.4));
        assertEquals("1:00", EpochEta.duration(59.5));
        assertEquals("8:05", EpochEta.duration(485));
        assertEquals("59:59", EpochEta.duration(3599));
        assertEquals("1:00:00", EpochEta.duration(3600));
        assertEquals("26:03:07", EpochEta.duration(26 * 3600 + 3 * 60 + 7));
        assertEquals("?", EpochEta.duration(Double.NaN));
        assertEquals("?", EpochEta.duration(Double.POSITIVE_INFINITY));
        assertEquals("?", EpochEta.duration(-1));
    }

    @Test
    void theEpochLineEstimatesTheRunFromTheLastEpoch() {
        // minigooglenet on 2 cores: about 8 minutes an epoch; after epoch 2 of 32, 30 more take 4 h
        assertEquals(480.0 * 30, EpochEta.runRemainingSeconds(480.0, 30), 0.0);
        assertEquals("481.2 s (1.60 steps/s), run ETA 4:00:36 for 30 more epochs",
                ConsoleTrainingProgress.timing(481.2, 1.6, 2, 32));
        assertEquals("12.0 s (3.00 steps/s), run ETA 0:12 for 1 more epoch",
                ConsoleTrainingProgress.timing(12.0, 3.0, 9, 10));
        assertEquals("12.0 s (3.00 steps/s)", ConsoleTrainingProgress.timing(12.0, 3.0, 10, 10), "no ETA after the last");
    }
}
