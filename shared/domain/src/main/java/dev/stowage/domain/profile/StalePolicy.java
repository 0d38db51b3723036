package dev.stowage.domain.profile;

/** What a variant URL answers while the variant is not ready. */
public enum StalePolicy { SERVE_ORIGINAL, SERVE_STALE, NOT_FOUND }
