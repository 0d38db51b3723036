package dev.stowage.media;

/** A picture's pixel size as stored in the file. */
record Size(int width, int height) {

    /** A size only when both sides are positive and fit an int; file headers use 0 for "unknown". */
    static Size ofPositive(long width, long height) {
        boolean plausible = width > 0 && height > 0 && width <= Integer.MAX_VALUE && height <= Integer.MAX_VALUE;
        return plausible ? new Size((int) width, (int) height) : null;
    }

    /** The EXIF orientation when it is one of the eight defined values, else null (absent or nonsense). */
    static Integer exifOrientation(Integer value) {
        return value != null && value >= 1 && value <= 8 ? value : null;
    }

    /** The size a viewer shows: EXIF orientations 5–8 turn the picture a quarter, so the sides trade places. */
    Size displayed(Integer exifOrientation) {
        return exifOrientation != null && exifOrientation >= 5 && exifOrientation <= 8 ? new Size(height, width) : this;
    }
}
