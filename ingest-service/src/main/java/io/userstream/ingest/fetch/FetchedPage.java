package io.userstream.ingest.fetch;

import java.util.List;

/** The users of one page, in source order, each usable or unusable. */
public record FetchedPage(PageSpec spec, List<FetchedUser> users) {

    public List<FetchedUser.Usable> usable() {
        return users.stream().filter(FetchedUser.Usable.class::isInstance).map(FetchedUser.Usable.class::cast).toList();
    }

    public List<FetchedUser.Unusable> unusable() {
        return users.stream().filter(FetchedUser.Unusable.class::isInstance).map(FetchedUser.Unusable.class::cast).toList();
    }
}
