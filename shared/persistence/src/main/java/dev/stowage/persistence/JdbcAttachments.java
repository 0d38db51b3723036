package dev.stowage.persistence;

import dev.stowage.domain.Principal;
import dev.stowage.domain.attachment.Attachment;
import dev.stowage.domain.attachment.Slot;
import dev.stowage.domain.port.Attachments;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;

/**
 * The attachment port over PostgreSQL. Each attach or detach is one transaction holding its slot's
 * advisory lock, so concurrent writers of one slot take turns: the last one wins, and each knows exactly
 * which asset it replaced. No constraint error can reach the caller.
 */
@Singleton
public class JdbcAttachments implements Attachments {
    private final AttachmentRows rows;

    public JdbcAttachments(AttachmentRows rows) {
        this.rows = rows;
    }

    @Override
    @Transactional
    public Optional<Attachment> attach(Principal caller, Slot slot, UUID assetId) {
        rows.lockSlot(slot.lockKey(caller));
        if (rows.claimAsset(assetId, caller.id()) != 1) {
            return Optional.empty();
        }
        Optional<AttachmentRow> replaced = current(caller, slot);
        rows.upsert(UUID.randomUUID(), caller.id(), slot.ownerType(), slot.ownerId(), slot.name(), assetId);
        replaced.map(AttachmentRow::assetId).filter(old -> !old.equals(assetId))
                .ifPresent(rows::markDetachedIfUnreferenced);
        return current(caller, slot).map(r -> toAttachment(r, slot));
    }

    @Override
    public Optional<Attachment> find(Principal caller, Slot slot) {
        return current(caller, slot).map(r -> toAttachment(r, slot));
    }

    @Override
    @Transactional
    public Optional<Attachment> detach(Principal caller, Slot slot) {
        rows.lockSlot(slot.lockKey(caller));
        Optional<AttachmentRow> removed = current(caller, slot);
        removed.ifPresent(r -> {
            rows.delete(caller.id(), slot.ownerType(), slot.ownerId(), slot.name());
            rows.markDetachedIfUnreferenced(r.assetId());
        });
        return removed.map(r -> toAttachment(r, slot));
    }

    private Optional<AttachmentRow> current(Principal caller, Slot slot) {
        return rows.findByPrincipalAndOwnerTypeAndOwnerIdAndSlot(caller.id(), slot.ownerType(), slot.ownerId(),
                slot.name());
    }

    private static Attachment toAttachment(AttachmentRow r, Slot slot) {
        return new Attachment(r.id(), new Principal(r.principal()), slot, r.assetId(), r.createdAt());
    }
}
