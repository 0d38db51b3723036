package dev.stowage.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Real media files with known facts (see {@code /media/README.md}) for probing and rendering tests. */
public final class TestMedia {
    private TestMedia() {}

    /** The whole file {@code /media/<name>} from the classpath, e.g. {@code bytes("landscape.jpg")}. */
    public static byte[] bytes(String name) {
        String resource = "/media/" + name;
        try (InputStream in = TestMedia.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("No test media " + resource
                        + " on the classpath; the files are listed in stowage-testkit's /media/README.md");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read test media " + resource, e);
        }
    }
}
