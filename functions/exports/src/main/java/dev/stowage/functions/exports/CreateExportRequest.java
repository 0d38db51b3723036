package dev.stowage.functions.exports;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.export.CreateExport;
import dev.stowage.domain.port.AssetInventory;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Map;

/**
 * The body of {@code POST /v1/exports}: inline {@code content} (text, or base64 when {@code base64} is true)
 * or a {@code generator} with its {@code filters}, never both. {@code async} true queues a generator's export
 * whatever its size (202, poll it). Every field is checked by the domain.
 */
@Serdeable
public record CreateExportRequest(@Nullable String filename, @Nullable String format, @Nullable String contentType,
                                  @Nullable Long ttlSeconds, @Nullable String workflowId, @Nullable String requestId,
                                  @Nullable Map<String, String> labels, @Nullable String content,
                                  @Nullable Boolean base64, @Nullable String generator, @Nullable Filters filters,
                                  @Nullable Boolean async) {

    /** The only generator so far. */
    public static final String ASSET_INVENTORY = "asset-inventory";

    /** The asset inventory's filters; the created range is [createdFrom, createdTo), ISO-8601 instants. */
    @Serdeable
    public record Filters(@Nullable String profile, @Nullable String state, @Nullable java.time.Instant createdFrom,
                          @Nullable java.time.Instant createdTo) {
        AssetInventory.Filter toFilter() {
            return new AssetInventory.Filter(java.util.Optional.ofNullable(profile),
                    java.util.Optional.ofNullable(state), java.util.Optional.ofNullable(createdFrom),
                    java.util.Optional.ofNullable(createdTo));
        }
    }

    /** The command, or why the body names no source, two, or one that cannot be read. */
    public Result<CreateExport.Command> decode() {
        if (content != null && (generator != null || filters != null)) {
            return Result.err(ErrorCode.INVALID_FIELD, "give either content or generator, not both");
        }
        CreateExport.Source source = null;
        if (content != null) {
            byte[] bytes;
            if (Boolean.TRUE.equals(base64)) {
                try {
                    bytes = java.util.Base64.getDecoder().decode(content);
                } catch (IllegalArgumentException e) {
                    return Result.err(ErrorCode.INVALID_FIELD, "content is not base64");
                }
            } else {
                bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            source = new CreateExport.Source.Inline(bytes);
        } else if (generator != null) {
            if (!ASSET_INVENTORY.equals(generator)) {
                return Result.err(ErrorCode.UNKNOWN_GENERATOR, "generator must be " + ASSET_INVENTORY);
            }
            source = new CreateExport.Source.Inventory(filters == null ? AssetInventory.Filter.none()
                    : filters.toFilter());
        } else if (filters != null) {
            return Result.err(ErrorCode.INVALID_FIELD, "filters need a generator");
        }
        return Result.ok(new CreateExport.Command(filename, format, contentType, ttlSeconds, workflowId, requestId,
                labels, source, async));
    }
}
