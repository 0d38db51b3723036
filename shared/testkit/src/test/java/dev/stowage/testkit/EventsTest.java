package dev.stowage.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events are found by walking up to the directory that holds events/ and mvnw. */
class EventsTest {

    @Test
    void findsTheRepositoryEventsFolderFromTheModuleDirectory() {
        Path dir = Events.dir();

        assertEquals("events", dir.getFileName().toString());
        assertTrue(Files.isRegularFile(dir.resolveSibling("mvnw")));
    }

    @Test
    void walksUpToTheNearestDirectoryWithEventsAndMvnw(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("events"));
        Files.writeString(root.resolve("events/s3-object-created.json"), "{\"Records\":[]}");
        Files.writeString(root.resolve("mvnw"), "");
        // An events/ folder without mvnw beside it is not the repository root.
        Path module = Files.createDirectories(root.resolve("shared/media/events")).getParent();

        Path found = Events.findEventsDir(module);

        assertEquals(root.resolve("events"), found);
        assertEquals("{\"Records\":[]}", Events.text(found, "s3-object-created.json"));
    }

    @Test
    void missingEventNamesTheFolderAndWhatIsThere(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("events"));
        Files.writeString(root.resolve("events/present.json"), "{}");

        var e = assertThrows(IllegalArgumentException.class, () -> Events.text(root.resolve("events"), "absent.json"));

        assertTrue(e.getMessage().contains("absent.json") && e.getMessage().contains("present.json"), e.getMessage());
    }

    @Test
    void nameCannotEscapeTheFolder(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("events"));
        Files.writeString(root.resolve("secret.txt"), "no");

        assertThrows(IllegalArgumentException.class, () -> Events.text(root.resolve("events"), "../secret.txt"));
    }

    @Test
    void noRepositoryAboveIsAClearError(@TempDir Path nowhere) {
        var e = assertThrows(IllegalStateException.class, () -> Events.findEventsDir(nowhere));

        assertTrue(e.getMessage().contains("mvnw"), e.getMessage());
    }
}
