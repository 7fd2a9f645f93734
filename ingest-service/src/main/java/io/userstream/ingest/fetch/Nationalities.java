package io.userstream.ingest.fetch;

import java.util.List;

/**
 * The nationalities both sources serve: randomuser.me 1.4's list. Any other code would be answered by
 * randomuser.me with users of some other nationality, so a run asking for one is refused up front.
 */
public final class Nationalities {

    /** ISO 3166-1 alpha-2 codes randomuser.me 1.4 supports, in alphabetical order. */
    public static final List<String> SUPPORTED = List.of("AU", "BR", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB",
            "IE", "IN", "IR", "MX", "NL", "NO", "NZ", "RS", "TR", "UA", "US");

    private Nationalities() {
    }

    /** The codes of {@code requested} (upper-case) that are not {@link #SUPPORTED}, in request order. */
    public static List<String> unsupported(List<String> requested) {
        return requested.stream().filter(code -> !SUPPORTED.contains(code)).toList();
    }
}
