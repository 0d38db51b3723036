package dev.stowage.domain.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportFiltersTest {

    @Test
    void olderThanTakesIsoDurationsAndShortForms() {
        assertEquals(Optional.of(Duration.ofMinutes(15)), ReportFilters.parseDuration("PT15M"));
        assertEquals(Optional.of(Duration.ofDays(3)), ReportFilters.parseDuration("P3D"));
        assertEquals(Optional.of(Duration.ofMinutes(15)), ReportFilters.parseDuration("15m"));
        assertEquals(Optional.of(Duration.ofHours(2)), ReportFilters.parseDuration("2h"));
        assertEquals(Optional.of(Duration.ofDays(3)), ReportFilters.parseDuration("3d"));
        assertEquals(Optional.of(Duration.ofSeconds(30)), ReportFilters.parseDuration("30s"));
        assertEquals(Optional.of(Duration.ofDays(365)), ReportFilters.parseDuration("365d"));
    }

    @Test
    void olderThanRefusesGarbageZeroNegativeAndHugeValues() {
        for (String bad : new String[] {"", "15", "m", "15 minutes", "15M5", "-5m", "0m", "PT0S", "PT-5M", "P366D",
                "366d", "999999999d", "1w", "P", "PT", "1.5h", "P1Y"}) {
            assertEquals(Optional.empty(), ReportFilters.parseDuration(bad), bad);
        }
    }

    @Test
    void defaultsApplyWhenAFilterIsAbsent() {
        ReportFilters f = ReportFilters.parse(null, null, null, null).orElseThrow();
        assertEquals(ReportFilters.defaults(), f);
        assertEquals(Duration.ofMinutes(15), f.olderThan());
        assertEquals(10, f.limit());
        assertEquals(ReportFilters.Format.JSON, f.format());
        assertEquals(new ReportFilters(Optional.of("image"), Duration.ofHours(2), 100, ReportFilters.Format.TEXT),
                ReportFilters.parse("image", "2h", "100", "TEXT").orElseThrow());
    }

    @Test
    void eachBadFilterHasItsStableCode() {
        assertEquals(ErrorCode.INVALID_DURATION, code(ReportFilters.parse(null, "soon", null, null)));
        assertEquals(ErrorCode.INVALID_FIELD, code(ReportFilters.parse(null, null, "0", null)));
        assertEquals(ErrorCode.INVALID_FIELD, code(ReportFilters.parse(null, null, "101", null)));
        assertEquals(ErrorCode.INVALID_FIELD, code(ReportFilters.parse(null, null, "ten", null)));
        assertEquals(ErrorCode.UNKNOWN_FORMAT, code(ReportFilters.parse(null, null, null, "xml")));
        assertEquals(ErrorCode.INVALID_FIELD, code(ReportFilters.parse(" ", null, null, null)));
        assertEquals(ErrorCode.INVALID_FIELD, code(ReportFilters.parse("p".repeat(101), null, null, null)));
        assertEquals(Optional.of("p".repeat(100)),
                ReportFilters.parse("p".repeat(100), null, null, null).orElseThrow().profile());
    }

    @Test
    void textAgesKeepTheTwoLargestUnitsAndDropAZeroSecondOne() {
        assertEquals("42s", ReportText.age(Duration.ofSeconds(42)));
        assertEquals("15m", ReportText.age(Duration.ofMinutes(15)));
        assertEquals("2h5m", ReportText.age(Duration.ofMinutes(125)));
        assertEquals("3d4h", ReportText.age(Duration.ofHours(76)));
        assertEquals("2h", ReportText.age(Duration.ofHours(2)));
        assertEquals("1m30s", ReportText.age(Duration.ofSeconds(90)));
    }

    private static ErrorCode code(Result<?> result) {
        return ((Result.Err<?>) result).code();
    }
}
