package dev.stowage.domain.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.AssetInventory.Filter;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The inventory export's filters, refused before they become a query (each was a 500 in HostileHttpTest). */
class InventoryFilterTest {

    @Test
    void ordinaryFiltersPass() {
        assertEquals(Optional.empty(), CreateExport.problemWith(new Filter(Optional.of("image"), Optional.of("ready"),
                Optional.of(Instant.parse("2020-01-01T00:00:00Z")), Optional.of(Instant.parse("2030-01-01T00:00:00Z")))));
        assertEquals(Optional.empty(), CreateExport.problemWith(Filter.none()));
    }

    @Test
    void aProfileOrStateTheDatabaseCannotHoldIsRefused() {
        for (String name : new String[] {"a\u0000b", "\uD800", "", " ", "x".repeat(101)}) {
            assertTrue(CreateExport.problemWith(new Filter(Optional.of(name), Optional.empty(), Optional.empty(),
                    Optional.empty())).isPresent(), "profile " + name);
            assertTrue(CreateExport.problemWith(new Filter(Optional.empty(), Optional.of(name), Optional.empty(),
                    Optional.empty())).isPresent(), "state " + name);
        }
    }

    @Test
    void aCreatedBoundBeyondFourDigitYearsIsRefused() {
        // 1e16 seconds: Timestamp.from overflowed a long (ArithmeticException, a 500).
        for (Instant bound : new Instant[] {Instant.ofEpochSecond(10_000_000_000_000_000L),
                Instant.ofEpochSecond(-10_000_000_000_000_000L), Instant.parse("+10000-01-01T00:00:00Z")}) {
            assertTrue(CreateExport.problemWith(new Filter(Optional.empty(), Optional.empty(), Optional.of(bound),
                    Optional.empty())).isPresent(), "from " + bound);
            assertTrue(CreateExport.problemWith(new Filter(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(bound))).isPresent(), "to " + bound);
        }
    }
}
