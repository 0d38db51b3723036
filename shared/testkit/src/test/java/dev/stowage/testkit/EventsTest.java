package dev.stowage.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

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

    /**
     * A sample nobody loads rots unnoticed (the trigger changes, the sample stays): every file in events/
     * is named in some module's test sources, where it is loaded through {@link Events#text}.
     */
    @Test
    void everySampleInEventsIsNamedByATest() throws IOException {
        Path root = Events.dir().getParent();
        List<Path> testRoots;
        try (Stream<Path> modules = Files.walk(root, 2)) { // local/, functions/uploads/, shared/lambda/ ...
            testRoots = modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).toList();
        }
        List<String> tests = new java.util.ArrayList<>();
        for (Path testRoot : testRoots) {
            try (Stream<Path> files = Files.walk(testRoot)) {
                files.filter(f -> f.toString().endsWith(".java"))
                        .filter(f -> !f.getFileName().toString().equals("EventsTest.java"))
                        .map(EventsTest::read).forEach(tests::add);
            }
        }
        assertTrue(testRoots.size() >= 5, testRoots.toString());
        List<String> samples;
        try (Stream<Path> files = Files.list(Events.dir())) {
            samples = files.map(f -> f.getFileName().toString()).sorted().toList();
        }

        assertTrue(samples.size() >= 5, samples.toString());
        List<String> unused = samples.stream()
                .filter(s -> tests.stream().noneMatch(t -> t.contains("\"" + s + "\""))).toList();
        assertEquals(List.of(), unused, "samples in events/ that no test loads");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
