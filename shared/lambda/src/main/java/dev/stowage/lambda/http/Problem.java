package dev.stowage.lambda.http;

import io.micronaut.serde.annotation.Serdeable;

/** An RFC 9457 problem document with Stowage's stable {@code code}. */
@Serdeable
public record Problem(String type, String title, int status, String detail, String code) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String code, String detail) {
        return new Problem("urn:stowage:problem:" + code, title, status, detail, code);
    }
}
