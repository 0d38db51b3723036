package dev.stowage.domain.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.port.ObjectStore.Listed;
import dev.stowage.domain.port.StorageDrift.StoredRow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DriftPageTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    static Listed object(String key) {
        return new Listed(key, 1, T);
    }

    static StoredRow row(String key) {
        return new StoredRow(key, StoredRow.Kind.ASSET, UUID.randomUUID(), "ready", T);
    }

    static List<String> keys(DriftPage page) {
        return page.unreferenced().stream().map(Listed::key).toList();
    }

    @Test
    void aStepCoversKeysOnlyUpToTheSmallerLastKeyOfTheFullPages() {
        // Objects a, c, e (full page); rows b, c, d (full page): beyond d the objects after e were not read yet,
        // and beyond e no row was; so the step ends at d: e is left for the next step.
        var page = DriftPage.compare(List.of(object("a"), object("c"), object("e")),
                List.of(row("b"), row("c"), row("d")), 3);
        assertEquals(Optional.of("d"), page.upTo());
        assertEquals(List.of("a"), keys(page));
        assertEquals(List.of("b", "d"), page.unbacked().stream().map(StoredRow::key).toList());
        assertEquals(5, page.covered());
    }

    @Test
    void aPageThatIsNotFullReachedTheEndOfThePrefixSoTheOtherSideBounds() {
        var page = DriftPage.compare(List.of(object("a")), List.of(row("a"), row("b"), row("c")), 3);
        assertEquals(Optional.of("c"), page.upTo());
        assertEquals(List.of(), keys(page));
        assertEquals(List.of("b", "c"), page.unbacked().stream().map(StoredRow::key).toList());
    }

    @Test
    void twoShortPagesEndThePrefix() {
        var page = DriftPage.compare(List.of(object("a"), object("z")), List.of(row("a")), 3);
        assertEquals(Optional.empty(), page.upTo());
        assertEquals(List.of("z"), keys(page));
        assertTrue(page.unbacked().isEmpty());
        assertEquals(Optional.empty(), DriftPage.compare(List.of(), List.of(), 3).upTo());
    }

    @Test
    void anAssetIdIsReadOnlyFromAKeyTheServerMakes() {
        UUID id = UUID.randomUUID();
        assertEquals(Optional.of(id), DriftPage.assetIdOf("assets/" + id + "/original"));
        assertEquals(Optional.of(id), DriftPage.assetIdOf("variants/" + id + "/thumb-abc.webp"));
        assertEquals(Optional.empty(), DriftPage.assetIdOf("assets/" + id));
        assertEquals(Optional.empty(), DriftPage.assetIdOf("assets/1-2-3-4-5/original"));
        assertEquals(Optional.empty(), DriftPage.assetIdOf("assets/" + id.toString().toUpperCase() + "/original"));
    }

    @Test
    void aPassIsAssetsThenVariantsAndItsEndKeepsItsTallyAsTheLastPass() {
        var found = new DriftScan.Tally(1, 1, 0, 0, List.of("orphan_deleted assets/x"));
        DriftScan s = DriftScan.initial().advance(Optional.of("assets/k"), found, T);
        assertEquals(DriftScan.Prefix.ASSETS, s.prefix());
        assertEquals(Optional.of("assets/k"), s.cursor());
        s = s.advance(Optional.empty(), DriftScan.Tally.NONE, T.plusSeconds(1));
        assertEquals(DriftScan.Prefix.VARIANTS, s.prefix());
        assertEquals(Optional.empty(), s.cursor());
        DriftScan before = s;
        s = s.advance(Optional.empty(), new DriftScan.Tally(0, 0, 0, 2, List.of()), T.plusSeconds(2));
        assertEquals(DriftScan.Prefix.ASSETS, s.prefix());
        assertEquals(DriftScan.Tally.NONE, s.current());
        assertTrue(s.passJustCompleted(before));
        var pass = s.last().orElseThrow();
        assertEquals(T, pass.startedAt());
        assertEquals(T.plusSeconds(2), pass.completedAt());
        assertEquals(new DriftScan.Tally(1, 1, 0, 2, List.of("orphan_deleted assets/x")), pass.tally());
        assertEquals(2, pass.tally().missingObjects());
    }
}
