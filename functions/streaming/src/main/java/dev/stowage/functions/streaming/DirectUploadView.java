package dev.stowage.functions.streaming;

import dev.stowage.domain.streaming.CreateDirectUpload;
import io.micronaut.serde.annotation.Serdeable;
import java.util.UUID;

/** Exactly what a browser needs: where to PUT the bytes, and the asset they become. No provider handle. */
@Serdeable
public record DirectUploadView(String uploadUrl, UUID assetId) {
    static DirectUploadView of(CreateDirectUpload.Created c) {
        return new DirectUploadView(c.uploadUrl(), c.assetId());
    }
}
