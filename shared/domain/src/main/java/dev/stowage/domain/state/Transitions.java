package dev.stowage.domain.state;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The allowed transitions of one state machine. Every state enum keeps one of these, and the
 * same table is mirrored in the database's transition trigger (a test holds the two equal).
 */
public final class Transitions<S extends Enum<S>> {

    private final Class<S> type;
    private final Map<S, Set<S>> next;

    private Transitions(Class<S> type) {
        this.type = type;
        this.next = new EnumMap<>(type);
        for (S s : type.getEnumConstants()) {
            next.put(s, EnumSet.noneOf(type));
        }
    }

    public static <S extends Enum<S>> Transitions<S> of(Class<S> type) {
        return new Transitions<>(type);
    }

    @SafeVarargs
    public final Transitions<S> allow(S from, S... to) {
        next.get(from).addAll(Set.of(to));
        return this;
    }

    public boolean allows(S from, S to) {
        return next.get(from).contains(to);
    }

    public Set<S> nextOf(S from) {
        return Collections.unmodifiableSet(next.get(from));
    }

    /** The states from which {@code to} can be reached in one step. */
    public Set<S> sourcesOf(S to) {
        EnumSet<S> sources = EnumSet.noneOf(type);
        next.forEach((from, targets) -> {
            if (targets.contains(to)) {
                sources.add(from);
            }
        });
        return sources;
    }

    public boolean isTerminal(S state) {
        return next.get(state).isEmpty();
    }

    /** Guards a compare-and-set: every expected source must be allowed to move to {@code to}. */
    public void require(Set<S> from, S to) {
        for (S s : from) {
            if (!allows(s, to)) {
                throw new IllegalArgumentException(type.getSimpleName() + " cannot move " + s + " -> " + to);
            }
        }
    }
}
