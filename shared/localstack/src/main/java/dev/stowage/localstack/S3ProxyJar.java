package dev.stowage.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Finds the s3proxy jar-with-dependencies that {@link LocalS3Server} runs in a child JVM. */
final class S3ProxyJar {

    static final String PROPERTY = "stowage.s3proxy.jar";
    static final String ENV = "STOWAGE_S3PROXY_JAR";
    private static final String RESOURCE = "localstack.properties";

    private S3ProxyJar() {
    }

    /**
     * In order: system property {@value #PROPERTY}, {@value #ENV} in {@code env} (the process environment,
     * or what a test passes), the copy the build made (recorded in {@code localstack.properties}), then the
     * local Maven repository, which still works after the module's {@code target/} was cleaned.
     */
    static Path locate(java.util.Map<String, String> env) {
        Properties build = buildProperties();
        List<Path> candidates = new ArrayList<>();
        String explicit = System.getProperty(PROPERTY, env.get(ENV));
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit);
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("s3proxy jar named by " + PROPERTY + "/" + ENV + " not found: " + path);
            }
            return path;
        }
        String copied = build.getProperty("s3proxy.jar");
        if (copied != null) {
            candidates.add(Path.of(copied));
        }
        String version = build.getProperty("s3proxy.version");
        if (version != null) {
            candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "gaul", "s3proxy",
                    version, "s3proxy-" + version + "-jar-with-dependencies.jar"));
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() ->
                new IllegalStateException("s3proxy jar not found; looked at " + candidates
                        + ". Build shared/localstack (it copies the jar) or set " + PROPERTY + "."));
    }

    private static Properties buildProperties() {
        Properties properties = new Properties();
        try (InputStream in = S3ProxyJar.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        return properties;
    }
}
