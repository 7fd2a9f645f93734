package io.userstream.ingest.fetch;

import reactor.core.publisher.Mono;

/** Delivers the users of one page; the same {@link PageSpec} always yields the same users. */
public interface UserSource {

    SourceKind kind();

    /** Errors with a {@link FetchException} when the page cannot be had after the source's retries. */
    Mono<FetchedPage> fetch(PageSpec page);
}
