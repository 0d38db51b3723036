package dev.stowage.lambda.http;

/** The request carries no caller this deployment can trust. */
public final class Unauthenticated extends RuntimeException {
    public Unauthenticated() {
        super("a bearer token with a subject is required", null, false, false);
    }
}
