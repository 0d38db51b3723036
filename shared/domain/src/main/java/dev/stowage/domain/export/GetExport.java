package dev.stowage.domain.export;

import dev.stowage.domain.ErrorCode;
import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.Exports;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/** One of the caller's unexpired exports, with its download token when it is ready. */
public final class GetExport {
    private final Exports exports;
    private final ExportTokens tokens;
    private final Clock clock;

    public GetExport(Exports exports, ExportTokens tokens, Clock clock) {
        this.exports = exports;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Whether links can be signed now (the keys are readable), checked before an export is created. */
    public Result<ExportTokens.Signer> signer() {
        return tokens.signer();
    }

    /** The export and, when ready, the token its download link carries. */
    public record Found(Export export, Optional<String> token) {}

    public Result<Found> execute(Principal caller, UUID id) {
        return owned(exports, clock, caller, id).flatMap(e -> e.state() != ExportState.READY
                ? Result.ok(new Found(e, Optional.empty()))
                : tokens.signer().map(signer -> new Found(e, tokenFor(signer, e))));
    }

    static Optional<String> tokenFor(ExportTokens.Signer signer, Export e) {
        return e.state() == ExportState.READY ? Optional.of(signer.sign(e.id(), e.expiresAt())) : Optional.empty();
    }

    /** Another principal's export, or an expired one, is the same 404 as none at all. */
    static Result<Export> owned(Exports exports, Clock clock, Principal caller, UUID id) {
        return exports.find(id)
                .filter(e -> e.principal().equals(caller.id()) && !e.expiredAt(clock.instant()))
                .<Result<Export>>map(Result::ok)
                .orElseGet(() -> Result.err(ErrorCode.EXPORT_NOT_FOUND, "no export " + id));
    }
}
