package dev.stowage.lambda.config;

/** The one shape of a refused setting, so an operator reading a failed start finds what to fix. */
public final class Invalid {
    private Invalid() {}

    public static IllegalArgumentException setting(String name, String why) {
        return new IllegalArgumentException("invalid setting " + name + ": " + why);
    }
}
