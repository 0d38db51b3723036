package dev.stowage.lambda.streaming;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import dev.stowage.domain.Text;
import dev.stowage.domain.streaming.ProviderEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mux's webhook JSON, {@code {type, data: {...}}}, as a {@link ProviderEvent}. Upload events carry the upload
 * object ({@code id}, {@code asset_id}, {@code error}, {@code new_asset_settings.passthrough}); asset events the asset object ({@code id},
 * {@code upload_id}, {@code playback_ids}, {@code duration}, {@code errors}).
 */
final class MuxEvents {
    private MuxEvents() {}

    static Result<ProviderEvent> decode(Map<String, Object> event) {
        if (!(event.get("type") instanceof String type) || !(event.get("data") instanceof Map<?, ?> data)) {
            return malformed("type and data are required");
        }
        Optional<String> id = text(data, "id");
        return switch (type) {
            case "video.upload.asset_created" -> id.isEmpty() || text(data, "asset_id").isEmpty()
                    ? malformed("an upload's asset_created names the upload and its asset")
                    : Result.ok(new ProviderEvent.UploadAssetCreated(id.get(), text(data, "asset_id").get(),
                    data.get("new_asset_settings") instanceof Map<?, ?> settings ? text(settings, "passthrough")
                            : Optional.empty()));
            case "video.upload.cancelled" -> id.isEmpty() ? malformed("the upload id is required")
                    : Result.ok(new ProviderEvent.UploadCancelled(id.get()));
            case "video.upload.errored" -> id.isEmpty() ? malformed("the upload id is required")
                    : Result.ok(new ProviderEvent.UploadErrored(id.get(), message(data.get("error"))));
            case "video.asset.ready" -> {
                Optional<String> playback = data.get("playback_ids") instanceof List<?> ids && !ids.isEmpty()
                        && ids.getFirst() instanceof Map<?, ?> first ? text(first, "id") : Optional.empty();
                yield id.isEmpty() || playback.isEmpty() ? malformed("a ready asset names itself and a playback id")
                        : Result.ok(new ProviderEvent.AssetReady(text(data, "upload_id"), id.get(), playback.get(),
                        durationMs(data.get("duration"))));
            }
            case "video.asset.errored" -> id.isEmpty() ? malformed("the asset id is required")
                    : Result.ok(new ProviderEvent.AssetErrored(text(data, "upload_id"), id.get(),
                    message(data.get("errors"))));
            default -> Result.ok(new ProviderEvent.Ignored(type));
        };
    }

    /**
     * A duration in seconds as milliseconds; none when it is not a number of seconds a media file can last (negative,
     * not finite, or over 10^9 s, some 31 years, where a rounded {@code 1e999999999} would read as Long.MAX_VALUE).
     */
    private static Optional<Long> durationMs(Object duration) {
        return duration instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= MAX_DURATION_SECONDS
                ? Optional.of(Math.round(n.doubleValue() * 1000)) : Optional.empty();
    }

    private static final double MAX_DURATION_SECONDS = 1e9;

    /** Upload errors are {@code {type, message}}, asset errors {@code {type, messages: [...]}}. */
    private static String message(Object error) {
        if (error instanceof Map<?, ?> e) {
            if (e.get("message") instanceof String m) {
                return bounded(m);
            }
            if (e.get("messages") instanceof List<?> ms && !ms.isEmpty()) {
                return bounded(String.valueOf(ms.getFirst()));
            }
            if (e.get("type") instanceof String t) {
                return bounded(t);
            }
        }
        return "errored";
    }

    /** A provider's message as a failure reason: at most 500 characters, and only characters the database keeps. */
    private static String bounded(String s) {
        String kept = s.codePoints().filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.SURROGATE)
                .limit(500).collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return kept.isBlank() ? "errored" : kept;
    }

    /** An id Mux would send: present, at most 200 characters, none that a text column refuses (U+0000 was a 500). */
    private static Optional<String> text(Map<?, ?> map, String key) {
        return map.get(key) instanceof String s && !s.isBlank() && s.length() <= 200 && Text.isStorable(s)
                ? Optional.of(s) : Optional.empty();
    }

    private static Result<ProviderEvent> malformed(String why) {
        return Result.err(ErrorCode.MALFORMED_REQUEST, "not a Mux event: " + why);
    }
}
