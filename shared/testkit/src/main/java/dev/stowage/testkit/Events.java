package dev.stowage.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Sample Lambda trigger payloads from the repository's top-level {@code events/} folder. */
public final class Events {

    private Events() {
    }

    /** The content of {@code events/<name>}, e.g. {@code Events.text("s3-object-created.json")}. */
    public static String text(String name) {
        return text(dir(), name);
    }

    /** The repository's {@code events/} folder. */
    public static Path dir() {
        return findEventsDir(Path.of(System.getProperty("user.dir")));
    }

    // The repository root is recognised by holding both events/ and mvnw; Maven runs tests in the module directory.
    static Path findEventsDir(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("events")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir.resolve("events");
            }
        }
        throw new IllegalStateException("No directory holding both events/ and mvnw found at or above " + start
                + "; run tests from inside the Stowage checkout");
    }

    static String text(Path eventsDir, String name) {
        Path file = eventsDir.resolve(name).normalize();
        if (!file.startsWith(eventsDir)) {
            throw new IllegalArgumentException("Event name must stay inside " + eventsDir + ": " + name);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No event " + name + " in " + eventsDir + "; there are: " + list(eventsDir));
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static String list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList().toString();
        } catch (IOException e) {
            return "(cannot list: " + e + ")";
        }
    }
}
