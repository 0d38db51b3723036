package dev.stowage.bench;

/**
 * Cold start of {@link PlainUploadsHandler}, timed exactly like {@link ColdStartProbe}: JVM start to the answer of
 * the second event. Runs on a classpath of only the bench jar, the PostgreSQL driver, the AWS SDK and the Lambda
 * event classes.
 */
public final class PlainColdStartProbe {
    private PlainColdStartProbe() {}

    public static void main(String[] args) {
        ProbeClock clock = new ProbeClock();
        try {
            PlainUploadsHandler handler = new PlainUploadsHandler();
            clock.ready();
            String created = ApiEvents.expect(handler.handleRequest(ApiEvents.initiate(), null), 201,
                    "POST /v1/uploads");
            clock.first();
            String signed = ApiEvents.expect(handler.handleRequest(ApiEvents.sign(ApiEvents.firstId(created)), null),
                    200, "POST /v1/uploads/{id}/url");
            clock.second();
            ApiEvents.requireSignedPut(signed);
            clock.report();
        } catch (Throwable e) {
            e.printStackTrace();
            System.out.flush();
            System.exit(1);
        }
        System.exit(0);
    }
}
