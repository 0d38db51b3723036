package dev.stowage.domain.delivery;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.port.ObjectStore;
import dev.stowage.domain.profile.Delivery;
import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.domain.variant.Variant;
import dev.stowage.domain.variant.VariantState;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A URL to one of the caller's servable assets, or to one of its variants, never the bytes. Signed
 * profiles get a presigned GET that lives the profile's delivery TTL and names the sniffed type and a
 * safe {@code Content-Disposition}; public profiles get the configured public base URL (or, with none
 * configured, a signed one). A variant that is not ready falls back per the profile's stale policy and
 * the answer says what it served. Quarantined, deleted and unpromoted assets are not found.
 */
public final class DeliverAsset {

    /** What was served: the ready variant, the original instead, or a stale rendering. */
    public enum ServedFrom { VARIANT, ORIGINAL, STALE }

    /** The URL, when it stops working (empty for a public one), and what it serves. */
    public record Url(URI url, Optional<Instant> expiresAt, Optional<String> variant, ServedFrom servedFrom) {}

    private final Assets assets;
    private final ObjectStore store;
    private final Profiles profiles;
    private final Optional<URI> publicBaseUrl;

    public DeliverAsset(Assets assets, ObjectStore store, Profiles profiles, Optional<URI> publicBaseUrl) {
        this.assets = assets;
        this.store = store;
        this.profiles = profiles;
        this.publicBaseUrl = publicBaseUrl;
    }

    public Result<Url> execute(Principal caller, UUID assetId, Optional<String> variantName, boolean attachment) {
        Optional<Asset> found = assets.find(assetId, caller)
                .filter(a -> a.state().servable() && a.storageKey().isPresent());
        if (found.isEmpty()) {
            return Result.err(ErrorCode.ASSET_NOT_FOUND, "no servable asset " + assetId);
        }
        Asset asset = found.get();
        Profile profile = profiles.find(asset.profile()).orElseThrow();
        String contentType = asset.probe().map(p -> p.contentType()).orElse(asset.claimedContentType());
        if (variantName.isEmpty()) {
            return Result.ok(url(profile, asset.storageKey().get(), contentType, asset.filename(), attachment,
                    Optional.empty(), ServedFrom.ORIGINAL));
        }
        String name = variantName.get();
        Optional<VariantSpec> spec = profile.variants().stream().filter(v -> v.name().equals(name)).findFirst();
        if (spec.isEmpty()) {
            return Result.err(ErrorCode.UNKNOWN_VARIANT, "profile '" + profile.name() + "' has no variant '" + name
                    + "'; it has " + profile.variants().stream().map(VariantSpec::name).toList());
        }
        Optional<Variant> variant = assets.variantsOf(asset.id()).stream().filter(v -> v.name().equals(name))
                .findFirst().map(v -> v.under(spec));
        String variantType = "image/" + spec.get().format();
        String variantFile = variantFilename(asset.filename(), name, spec.get().format());
        if (variant.filter(Variant::isReady).flatMap(Variant::storageKey).isPresent()) {
            return Result.ok(url(profile, variant.get().storageKey().get(), variantType, variantFile, attachment,
                    variantName, ServedFrom.VARIANT));
        }
        return switch (profile.stalePolicy()) {
            case NOT_FOUND -> Result.err(ErrorCode.VARIANT_NOT_READY, "variant '" + name + "' is "
                    + variant.map(v -> v.state().wire()).orElse("not planned") + ", and profile '" + profile.name()
                    + "' serves nothing else in its place");
            case SERVE_STALE -> variant.filter(v -> v.state() == VariantState.STALE).flatMap(Variant::storageKey)
                    .map(key -> Result.ok(url(profile, key, variantType, variantFile, attachment, variantName,
                            ServedFrom.STALE)))
                    .orElseGet(() -> original(profile, asset, contentType, attachment, variantName));
            case SERVE_ORIGINAL -> original(profile, asset, contentType, attachment, variantName);
        };
    }

    private Result<Url> original(Profile profile, Asset asset, String contentType, boolean attachment,
                                 Optional<String> variant) {
        return Result.ok(url(profile, asset.storageKey().get(), contentType, asset.filename(), attachment, variant,
                ServedFrom.ORIGINAL));
    }

    private Url url(Profile profile, String key, String contentType, String filename, boolean attachment,
                    Optional<String> variant, ServedFrom from) {
        if (profile.delivery().mode() == Delivery.Mode.PUBLIC && publicBaseUrl.isPresent()) {
            return new Url(publicBaseUrl.get().resolve(encodedPath(key)), Optional.empty(), variant, from);
        }
        var signed = store.presignGet(new ObjectStore.GetSpec(key, profile.delivery().ttl(), Optional.of(contentType),
                Optional.of(ContentDisposition.of(attachment, filename))));
        return new Url(signed.url(), Optional.of(signed.expiresAt()), variant, from);
    }

    /** {@code photo.jpg} → {@code photo-thumb.jpeg}: what a browser saves a variant as. */
    static String variantFilename(String original, String variant, String format) {
        int dot = original.lastIndexOf('.');
        return (dot > 0 ? original.substring(0, dot) : original) + "-" + variant + "." + format;
    }

    private static String encodedPath(String key) {
        StringBuilder out = new StringBuilder();
        for (String segment : key.split("/", -1)) {
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(ContentDisposition.percentEncoded(segment));
        }
        return out.toString();
    }
}
