package dev.stowage.domain.upload;

import java.util.Locale;
import java.util.Optional;

/** How the bytes reach storage. The API says {@code direct}; the session records {@code presigned_put}. */
public enum UploadStrategy {
    PRESIGNED_PUT("direct"), MULTIPART("multipart"), RESUMABLE("resumable");

    private final String apiName;

    UploadStrategy(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<UploadStrategy> fromApiName(String name) {
        for (UploadStrategy s : values()) {
            if (s.apiName.equals(name) || s.wire().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
