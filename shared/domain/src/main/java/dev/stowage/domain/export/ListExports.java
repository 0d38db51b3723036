package dev.stowage.domain.export;

import dev.stowage.domain.Principal;
import dev.stowage.domain.Result;
import dev.stowage.domain.port.Exports;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The caller's unexpired exports, newest first, at most one page. */
public final class ListExports {
    private final Exports exports;
    private final ExportTokens tokens;
    private final Clock clock;
    private final int limit;

    public ListExports(Exports exports, ExportTokens tokens, Clock clock, int limit) {
        this.exports = exports;
        this.tokens = tokens;
        this.clock = clock;
        this.limit = limit;
    }

    public Result<List<GetExport.Found>> execute(Principal caller) {
        List<Export> page = exports.ofPrincipal(caller.id(), limit).stream()
                .filter(e -> !e.expiredAt(clock.instant()))
                .toList();
        if (page.stream().noneMatch(e -> e.state() == ExportState.READY)) {
            return Result.ok(page.stream().map(e -> new GetExport.Found(e, Optional.<String>empty())).toList());
        }
        return tokens.signer().map(signer -> page.stream()
                .map(e -> new GetExport.Found(e, GetExport.tokenFor(signer, e)))
                .toList());
    }
}
