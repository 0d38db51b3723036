package dev.stowage.domain;

import java.util.function.Function;

/** The outcome of a use case: a value, or a stable error code with a human-readable detail. */
public sealed interface Result<T> {

    record Ok<T>(T value) implements Result<T> {}

    record Err<T>(ErrorCode code, String detail) implements Result<T> {}

    static <T> Result<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Result<T> err(ErrorCode code, String detail) {
        return new Err<>(code, detail);
    }

    default <U> Result<U> map(Function<? super T, ? extends U> f) {
        return switch (this) {
            case Ok<T> ok -> new Ok<>(f.apply(ok.value()));
            case Err<T> err -> new Err<>(err.code(), err.detail());
        };
    }

    default <U> Result<U> flatMap(Function<? super T, Result<U>> f) {
        return switch (this) {
            case Ok<T> ok -> f.apply(ok.value());
            case Err<T> err -> new Err<>(err.code(), err.detail());
        };
    }

    /** The value, for callers (mostly tests) that have already established this is {@link Ok}. */
    default T orElseThrow() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Err<T> err -> throw new IllegalStateException(err.code().code() + ": " + err.detail());
        };
    }
}
