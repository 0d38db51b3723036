package dev.stowage.persistence;

import dev.stowage.domain.Principal;
import dev.stowage.domain.asset.Asset;
import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.asset.ProbeResult;
import dev.stowage.domain.attachment.UnreferencedGraces;
import dev.stowage.domain.port.Assets;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.variant.Variant;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The asset port over PostgreSQL. */
@Singleton
public class JdbcAssets implements Assets {
    private final AssetRows assets;
    private final VariantRows variants;

    public JdbcAssets(AssetRows assets, VariantRows variants) {
        this.assets = assets;
        this.variants = variants;
    }

    @Override
    public void insert(Asset asset) {
        assets.save(Rows.toRow(asset));
    }

    @Override
    public Optional<Asset> find(UUID id, Principal owner) {
        return assets.findByIdAndOwner(id, owner.id()).map(Rows::toAsset);
    }

    @Override
    public Optional<Asset> findById(UUID id) {
        return assets.findById(id).map(Rows::toAsset);
    }

    @Override
    public Optional<Asset> findByStagingKey(String key) {
        return assets.findByStagingKey(key).map(Rows::toAsset);
    }

    @Override
    public boolean transition(UUID id, AssetState from, AssetState to) {
        AssetState.TRANSITIONS.require(Set.of(from), to);
        return assets.transition(id, from.wire(), to.wire()) == 1;
    }

    @Override
    public boolean startAnalyzing(UUID id, Lease lease) {
        return assets.startAnalyzing(id, lease.owner(), seconds(lease)) == 1;
    }

    @Override
    public boolean takeOverAnalyzing(UUID id, Lease lease) {
        return assets.takeOverAnalyzing(id, lease.owner(), seconds(lease)) == 1;
    }

    @Override
    public void releaseAnalyzing(UUID id, Lease lease) {
        assets.releaseAnalyzing(id, lease.owner());
    }

    @Override
    public List<Asset> findStranded(Duration idle, int limit) {
        return assets.findStranded(idle.toMillis() / 1000.0, limit).stream().map(Rows::toAsset).toList();
    }

    @Override
    public List<Asset> findOrphanStaged(Duration idle, int limit) {
        return assets.findOrphanStaged(idle.toMillis() / 1000.0, limit).stream().map(Rows::toAsset).toList();
    }

    @Override
    public List<Asset> findDetached(UnreferencedGraces graces, int limit) {
        return assets.findDetached(seconds(graces.detached()), seconds(graces.unattached()), limit).stream()
                .map(Rows::toAsset).toList();
    }

    @Override
    public boolean markDeletedIfDetached(UUID id, UnreferencedGraces graces) {
        return assets.markDeletedIfDetached(id, seconds(graces.detached()), seconds(graces.unattached())) == 1;
    }

    @Override
    public List<Asset> findDeleted(int limit) {
        return assets.findDeleted(limit).stream().map(Rows::toAsset).toList();
    }

    @Override
    public boolean removeDeleted(UUID id) {
        return assets.removeDeleted(id) == 1;
    }

    static double seconds(Lease lease) {
        return seconds(lease.length());
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    @Override
    public boolean recordAnalysis(UUID id, ProbeResult p, AssetState to, Optional<String> quarantineReason) {
        AssetState.TRANSITIONS.require(Set.of(AssetState.ANALYZING), to);
        return assets.recordAnalysis(id, to.wire(), p.contentType(), p.kind().wire(), p.width(), p.height(),
                p.orientation(), p.durationMs(), p.hasVideoTrack(), p.hasAudioTrack(),
                quarantineReason.orElse(null)) == 1;
    }

    @Override
    public boolean recordProbe(UUID id, ProbeResult p) {
        return assets.recordProbe(id, p.contentType(), p.kind().wire(), p.width(), p.height(), p.orientation(),
                p.durationMs(), p.hasVideoTrack(), p.hasAudioTrack()) == 1;
    }

    @Override
    @Transactional
    public Optional<List<Variant>> promote(UUID id, String storageKey, List<String> variantNames) {
        if (assets.promote(id, storageKey) != 1) {
            return Optional.empty();
        }
        if (variantNames.isEmpty()) {
            assets.transition(id, AssetState.AVAILABLE.wire(), AssetState.READY.wire());
            return Optional.of(List.of());
        }
        assets.transition(id, AssetState.AVAILABLE.wire(), AssetState.PROCESSING.wire());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<VariantRow> queued = variantNames.stream().distinct()
                .map(name -> JdbcVariants.queued(id, name, now)).toList();
        variants.saveAll(queued);
        return Optional.of(queued.stream().map(Rows::toVariant).toList());
    }

    @Override
    public List<Variant> variantsOf(UUID assetId) {
        return variants.findByAssetIdOrderByName(assetId).stream().map(Rows::toVariant).toList();
    }

    @Override
    public boolean deleteStaged(UUID id) {
        return assets.deleteStaged(id) == 1;
    }

    @Override
    public int deleteStaged(java.util.Collection<UUID> ids) {
        return ids.isEmpty() ? 0 : assets.deleteStagedAll(ids);
    }
}
