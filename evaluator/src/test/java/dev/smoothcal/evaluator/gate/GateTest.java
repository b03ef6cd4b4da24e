package dev.smoothcal.evaluator.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GateTest {
    private static final String REPORT = """
            {"format": "smoothcal-report/1", "accuracy": 0.9766, "nll": 0.1932, "brier": 0.058, "ece": 0.1230,
             "mce": 0.8088, "ece_equal_mass": 0.1225, "classwise_ece": 0.0264,
             "bootstrap": {"accuracy": {"estimate": 0.9766, "lower": 0.9691, "upper": 0.9833},
                           "expected_calibration_error": {"estimate": 0.123, "lower": 0.1166, "upper": 0.1297}},
             "temperature": null}
            """;
    private static final String BASELINE = """
            {"format": "smoothcal-report/1", "accuracy": 0.9800, "nll": 0.2, "brier": 0.06, "ece": 0.1200,
             "mce": 0.5, "ece_equal_mass": 0.12, "classwise_ece": 0.03, "bootstrap": null, "temperature": null}
            """;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ece<=0.05|ece <= 0.05",
        "  accuracy >= 0.95 |accuracy >= 0.95",
        "nll<0.3|nll < 0.3",
        "classwise_ece<=2e-2|classwise_ece <= 0.02",
        "accuracy.lower>=0.93|accuracy.lower >= 0.93",
        "ECE > 0|ece > 0",
        "ece<=baseline.ece+0.005|ece <= baseline.ece + 0.005",
        "accuracy >= baseline.accuracy - 0.01|accuracy >= baseline.accuracy - 0.01",
        "mce<=baseline.mce|mce <= baseline.mce"})
    void rulesParseToTheirCanonicalSpelling(String text, String canonical) {
        assertEquals(canonical, Rule.parse(text).toString());
        assertEquals(canonical, Rule.parse(canonical).toString(), "the canonical form reads back the same");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ece", "ece<=", "ece=0.05", "ece<=>0.05", "<=0.05", "ece<=0.05x", "ece<=NaN",
        "ece<=Infinity", "ece<=1d", "ece <= baseline.ece +", "ece <= baseline.ece * 2", "ece == 0.1"})
    void malformedRulesAreBadInputNamingTheRule(String text) {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> Rule.parse(text));
        assertEquals(SmoothcalException.Kind.BAD_INPUT, e.kind());
        assertEquals(Optional.of("rules"), e.parameter());
        assertTrue(e.getMessage().startsWith("rules rule '" + text + "'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void anUnknownMetricListsTheKnownOnes() {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> Rule.parse("acc>=0.9"));
        assertEquals("rules rule 'acc>=0.9' names an unknown metric 'acc'; expected one of " + Metric.ids(),
                e.getMessage());
        SmoothcalException base = assertThrows(SmoothcalException.class, () -> Rule.parse("ece<=baseline.eec"));
        assertTrue(base.getMessage().contains("unknown metric 'eec'"), base.getMessage());
    }

    @Test
    void verdictsCompareTheReportsValuesWithTheBounds() throws Exception {
        JsonNode report = Json.MAPPER.readTree(REPORT);
        GateResult r = Gate.of(List.of("accuracy>=0.9", "ece<=0.01", "accuracy.lower>=0.97", "ece.upper<0.13",
                "nll<0.1932", "nll<=0.1932")).check(report);
        assertFalse(r.passed());
        List<Boolean> verdicts = r.verdicts().stream().map(Verdict::passed).toList();
        assertEquals(List.of(true, false, false, true, false, true), verdicts);
        Verdict ece = r.verdicts().get(1);
        assertEquals("ece <= 0.01", ece.rule());
        assertEquals(0.1230, ece.value(), 0.0);
        assertEquals(0.01, ece.bound(), 0.0);
        assertEquals(List.of(r.verdicts().get(1), r.verdicts().get(2), r.verdicts().get(4)), r.failures());
        assertTrue(Gate.of(List.of()).check(report).passed(), "no rules, nothing to fail");
    }

    @Test
    void baselineRulesResolveAgainstTheBaselineReport() throws Exception {
        Path old = Files.writeString(tmp.resolve("report.json"), BASELINE);
        Gate gate = Gate.of(List.of("ece<=baseline.ece+0.005", "accuracy>=baseline.accuracy-0.001")).withBaseline(old);
        GateResult r = gate.check(Json.MAPPER.readTree(REPORT));
        assertEquals(0.1200 + 0.005, r.verdicts().get(0).bound(), 1e-15);
        assertTrue(r.verdicts().get(0).passed(), "0.1230 <= 0.1250");
        assertEquals(0.9800 - 0.001, r.verdicts().get(1).bound(), 1e-15);
        assertFalse(r.verdicts().get(1).passed(), "0.9766 < 0.9790: a regression");
        assertEquals(old.toString(), r.baseline());
    }

    @Test
    void missingSectionsAreFoundBeforeAnyModelRuns() throws Exception {
        SmoothcalException noBaseline = assertThrows(SmoothcalException.class,
                () -> Gate.of(List.of("ece<=baseline.ece")).requireAvailable(200, false));
        assertEquals("baseline must be a report.json for rule 'ece <= baseline.ece', found none",
                noBaseline.getMessage());
        SmoothcalException noBootstrap = assertThrows(SmoothcalException.class,
                () -> Gate.of(List.of("accuracy.lower>=0.9")).requireAvailable(0, false));
        assertTrue(noBootstrap.getMessage().startsWith("rules rule 'accuracy.lower >= 0.9' needs accuracy.lower"),
                noBootstrap.getMessage());
        SmoothcalException noTemperature = assertThrows(SmoothcalException.class,
                () -> Gate.of(List.of("temperature.ece_after<=0.02")).requireAvailable(200, false));
        assertTrue(noTemperature.getMessage().contains("calibration fit"), noTemperature.getMessage());
        Gate.of(List.of("accuracy.lower>=0.9", "temperature.t<2")).requireAvailable(1, true);

        Path old = Files.writeString(tmp.resolve("old.json"), BASELINE);
        SmoothcalException baseLacks = assertThrows(SmoothcalException.class,
                () -> Gate.of(List.of("ece<=baseline.ece.upper")).withBaseline(old));
        assertTrue(baseLacks.getMessage().contains("has no ece.upper"), baseLacks.getMessage());
        Path notReport = Files.writeString(tmp.resolve("parity.json"), "{\"format\": \"smoothcal-parity/1\"}");
        SmoothcalException wrong = assertThrows(SmoothcalException.class,
                () -> Gate.of(List.of("ece<=baseline.ece")).withBaseline(notReport));
        assertTrue(wrong.getMessage().contains("found format smoothcal-parity/1"), wrong.getMessage());
    }
}
