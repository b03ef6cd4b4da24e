package dev.smoothcal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smoothcal.core.data.DatasetSplit;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmoothcalExceptionTest {
    @Test
    void invalidNamesTheParameterAndAnAdapterRenamesIt() {
        SmoothcalException e = SmoothcalException.invalid("labelSmoothing", "must be in [0, 1), found 1.5");
        assertEquals("labelSmoothing must be in [0, 1), found 1.5", e.getMessage());
        assertEquals(Optional.of("labelSmoothing"), e.parameter());
        assertEquals(SmoothcalException.Kind.BAD_INPUT, e.kind());
        assertEquals("--label-smoothing must be in [0, 1), found 1.5", e.messageNaming("--label-smoothing"));
    }

    @Test
    void aProblemStartingWithAColonFollowsTheNameDirectly() {
        SmoothcalException e = SmoothcalException.invalid("model", ": expected an .onnx file, found nothing at m");
        assertEquals("model: expected an .onnx file, found nothing at m", e.getMessage());
        assertEquals("--model: expected an .onnx file, found nothing at m", e.messageNaming("--model"));
    }

    @Test
    void otherKindsNameNoParameter() {
        RuntimeException cause = new RuntimeException("vendor");
        assertEquals(SmoothcalException.Kind.BACKEND_FAILURE, SmoothcalException.backend("TF failed", cause).kind());
        assertEquals(cause, SmoothcalException.backend("TF failed", cause).getCause());
        assertEquals(SmoothcalException.Kind.DEFECT, SmoothcalException.defect("unreachable").kind());
        assertEquals(SmoothcalException.Kind.CHECK_FAILED, SmoothcalException.checkFailed("parity").kind());
        assertEquals(SmoothcalException.Kind.BAD_INPUT, new SmoothcalException("bad").kind());
        assertEquals(Optional.empty(), SmoothcalException.defect("unreachable").parameter());
        assertEquals("unreachable", SmoothcalException.defect("unreachable").messageNaming("--x"));
    }

    @Test
    void splitsParseTheirIdsAndNameTheParameterTheyBelongTo() {
        assertEquals(DatasetSplit.TEST, DatasetSplit.parse(" Test "));
        assertEquals("train", DatasetSplit.TRAIN.id());
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> DatasetSplit.parse("val"));
        assertEquals("split must be one of [train, test], found 'val'", e.getMessage());
        SmoothcalException fit = assertThrows(SmoothcalException.class, () -> DatasetSplit.parse("calibrateOn", null));
        assertEquals("calibrateOn must be one of [train, test], found nothing", fit.getMessage());
        assertEquals(Optional.of("calibrateOn"), fit.parameter());
    }
}
