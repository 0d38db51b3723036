package dev.stowage.bench;

/**
 * Cold start of {@link PlainUploadsHandler}, timed exactly like {@link ColdStartProbe}: JVM start to the answer of
 * the second event. Runs on a classpath of only the bench jar, the PostgreSQL driver, the AWS SDK and the Lambda
 * event classes.
 */
public final class PlainColdStartProbe {
    private PlainColdStartProbe() {}

    public static void main(String[] args) {
        ColdStart.measure(PlainUploadsHandler::new, handler -> { });
    }
}
