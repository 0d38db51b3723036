package dev.stowage.persistence;

import dev.stowage.domain.asset.AssetState;
import dev.stowage.domain.port.Variants;
import dev.stowage.domain.state.Lease;
import dev.stowage.domain.state.MachineState;
import dev.stowage.domain.variant.Variant;
import dev.stowage.domain.variant.VariantState;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** The variant port over PostgreSQL. */
@Singleton
public class JdbcVariants implements Variants {
    private final VariantRows rows;
    private final AssetRows assets;

    public JdbcVariants(VariantRows rows, AssetRows assets) {
        this.rows = rows;
        this.assets = assets;
    }

    @Override
    public Optional<Variant> find(UUID id) {
        return rows.findById(id).map(Rows::toVariant);
    }

    @Override
    public List<Variant> ofAsset(UUID assetId) {
        return rows.findByAssetIdOrderByName(assetId).stream().map(Rows::toVariant).toList();
    }

    @Override
    public boolean claim(UUID id, String recipeDigest, Lease lease) {
        return rows.claim(id, recipeDigest, lease.owner(), JdbcAssets.seconds(lease)) == 1;
    }

    @Override
    public boolean markReady(UUID id, Lease lease, String storageKey, Variant.Rendition r) {
        return rows.markReady(id, lease.owner(), storageKey, r.contentType(), r.byteSize(), r.width(), r.height()) == 1;
    }

    @Override
    public boolean markFailed(UUID id, Lease lease, String reason) {
        return rows.markFailed(id, lease.owner(), reason) == 1;
    }

    @Override
    public boolean release(UUID id, Lease lease) {
        return rows.release(id, lease.owner()) == 1;
    }

    @Override
    @Transactional
    public List<Variant> requeue(UUID assetId, List<Variant> settled, Collection<String> missingNames) {
        List<Variant> queued = new ArrayList<>();
        for (Variant v : settled) {
            VariantState from = v.state();
            if (from == VariantState.READY) {
                // Ready under an old recipe: it goes by way of stale. If it is not ready any more, another
                // call moved it since it was read; it is that call's, not an illegal ready -> queued.
                if (rows.transition(v.id(), from.wire(), VariantState.STALE.wire()) != 1) {
                    continue;
                }
                from = VariantState.STALE;
            }
            VariantState.TRANSITIONS.require(Set.of(from), VariantState.QUEUED);
            if (rows.requeue(v.id(), from.wire()) == 1) {
                queued.add(v);
            }
        }
        Set<String> existing = rows.findByAssetIdOrderByName(assetId).stream().map(VariantRow::name)
                .collect(Collectors.toSet());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<VariantRow> fresh = missingNames.stream().filter(n -> !existing.contains(n)).distinct()
                .map(name -> queued(assetId, name, now)).toList();
        rows.saveAll(fresh);
        fresh.stream().map(Rows::toVariant).forEach(queued::add);
        if (!queued.isEmpty()) {
            for (String from : List.of("available", "ready", "degraded")) {
                if (assets.transition(assetId, from, AssetState.PROCESSING.wire()) == 1) {
                    break;
                }
            }
        }
        return queued;
    }

    /** A new row, queued as it is written: its message is sent once the transaction commits. */
    static VariantRow queued(UUID assetId, String name, Instant now) {
        return new VariantRow(UUID.randomUUID(), assetId, name, VariantState.QUEUED.wire(), null, null, null, null,
                null, null, null, 0, now, null, null, now, now);
    }

    @Override
    public boolean cancel(UUID id) {
        return rows.cancel(id) == 1;
    }

    @Override
    public List<Variant> cancelOpen(UUID assetId) {
        return ofAsset(assetId).stream()
                .filter(v -> v.state() == VariantState.QUEUED || v.state() == VariantState.PROCESSING)
                .filter(v -> rows.cancel(v.id()) == 1)
                .toList();
    }

    @Override
    public Optional<AssetState> settle(UUID assetId) {
        if (rows.settle(assetId) != 1) {
            return Optional.empty();
        }
        return assets.findById(assetId).map(a -> MachineState.fromWire(AssetState.class, a.state()));
    }

    @Override
    public List<Variant> findStarved(Duration idle, int limit) {
        return rows.findStarved(idle.toMillis() / 1000.0, limit).stream().map(Rows::toVariant).toList();
    }

    @Override
    public boolean touchQueued(UUID id) {
        return rows.touchQueued(id) == 1;
    }
}
