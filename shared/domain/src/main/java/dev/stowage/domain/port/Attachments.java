package dev.stowage.domain.port;

import dev.stowage.domain.Principal;
import dev.stowage.domain.attachment.Attachment;
import dev.stowage.domain.attachment.Slot;
import java.util.Optional;
import java.util.UUID;

/**
 * Attachments in the database. Attaches and detaches of one slot take turns (one transaction each);
 * an asset that loses its last attachment is marked detached, for the purger.
 */
public interface Attachments {

    /**
     * Attaches the caller's {@code assetId} at {@code slot}, replacing what it held (last write wins).
     * Empty when the asset is not the caller's or not servable; nothing changes then.
     */
    Optional<Attachment> attach(Principal caller, Slot slot, UUID assetId);

    Optional<Attachment> find(Principal caller, Slot slot);

    /** Removes the attachment at {@code slot}, if any, and answers it. */
    Optional<Attachment> detach(Principal caller, Slot slot);
}
