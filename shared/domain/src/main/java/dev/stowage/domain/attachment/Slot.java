package dev.stowage.domain.attachment;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Result;
import java.util.regex.Pattern;

/**
 * Where an asset is attached: a record of the caller's own ({@code ownerType}, {@code ownerId}) and a
 * named slot on it ({@code avatar}, {@code cover}). Owner types and slot names are identifiers; owner
 * ids are the caller's own keys (any text up to 200 characters, no control characters).
 */
public record Slot(String ownerType, String ownerId, String name) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_-]{0,99}");
    static final int MAX_OWNER_ID = 200;

    public static Result<Slot> of(String ownerType, String ownerId, String name) {
        if (ownerType == null || !IDENTIFIER.matcher(ownerType).matches()) {
            return Result.err(ErrorCode.INVALID_OWNER, "ownerType must be 1-100 characters of a-z, 0-9, _ and -,"
                    + " starting with a letter");
        }
        if (ownerId == null || ownerId.isEmpty() || ownerId.length() > MAX_OWNER_ID
                || ownerId.codePoints().anyMatch(Character::isISOControl)) {
            return Result.err(ErrorCode.INVALID_OWNER, "ownerId must be 1-" + MAX_OWNER_ID
                    + " characters with no control characters");
        }
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            return Result.err(ErrorCode.INVALID_SLOT, "slot must be 1-100 characters of a-z, 0-9, _ and -,"
                    + " starting with a letter");
        }
        return Result.ok(new Slot(ownerType, ownerId, name));
    }

    /** One key per slot of one principal: attaches and detaches of a slot take turns on it. */
    public String lockKey(dev.stowage.domain.Principal principal) {
        // Length-prefixed parts: unambiguous whatever the principal's id holds.
        return java.util.stream.Stream.of(principal.id(), ownerType, ownerId, name)
                .map(part -> part.length() + ":" + part)
                .collect(java.util.stream.Collectors.joining());
    }
}
