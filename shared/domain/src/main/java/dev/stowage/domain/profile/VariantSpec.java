package dev.stowage.domain.profile;

/** One derivative a profile asks for: a box to fit into, an output format and quality. */
public record VariantSpec(String name, int width, int height, Fit fit, String format, int quality) {

    /** How the source is fitted into the box. */
    public enum Fit { CONTAIN, COVER, FILL }
}
