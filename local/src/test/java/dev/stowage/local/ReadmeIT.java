package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.testkit.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's commands, run as written with curl by {@code readme/walkthrough.sh} against the packaged launcher;
 * {@link ReadmeCommandsTest} keeps the README and the script in step.
 */
class ReadmeIT {
    static final Path SCRIPT = Path.of("src", "test", "resources", "readme", "walkthrough.sh");
    private static final Duration SCRIPT_WAIT = Duration.ofSeconds(120);

    @Test
    void everyReadmeCommandAnswersAsTheReadmeSays(@TempDir Path dir) throws Exception {
        // The README's photo.jpg is the test kit's landscape.jpg (31155 bytes, 1200x800); the proxied upload's a.png.
        Files.write(dir.resolve("photo.jpg"), TestMedia.bytes("landscape.jpg"));
        Files.write(dir.resolve("a.png"), TestMedia.bytes("alpha.png"));
        // Started in `dir` as a user starts ./stowage local in a checkout: the data, and the secret that
        // ./stowage token reads there, go to dir/.stowage, so the README's token commands work as written.
        try (LauncherProcess stack = LauncherProcess.start(dir, "local", "--port", "0")) {
            Path log = dir.resolve("walkthrough.log");
            var script = new ProcessBuilder("bash", SCRIPT.toAbsolutePath().toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            script.environment().put("API", stack.api().toString());
            script.environment().put("STOWAGE_TOKEN", stack.token());
            // The script's ./stowage: the jar it execs, run directly, since ./stowage would first check the build.
            script.environment().put("STOWAGE", String.join(" ", LauncherProcess.command()));
            Process walkthrough = script.start();
            boolean ended = walkthrough.waitFor(SCRIPT_WAIT.toSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                walkthrough.destroyForcibly();
            }
            String said = Files.readString(log);
            String context = "walkthrough.sh said:\n" + said + "\nthe launcher said:\n" + stack.output();
            assertTrue(ended, "the walkthrough did not end within " + SCRIPT_WAIT + "\n" + context);
            assertEquals(0, walkthrough.exitValue(), context);
            assertTrue(said.contains("every README command answered as the README says"), context);

            stack.stop("TERM");
        }
    }
}
