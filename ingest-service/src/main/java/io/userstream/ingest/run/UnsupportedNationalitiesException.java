package io.userstream.ingest.run;

import java.util.List;

/** A run asked for nationalities no source serves (randomuser.me would silently send others). */
public class UnsupportedNationalitiesException extends RuntimeException {

    private final List<String> unsupported;
    private final List<String> supported;

    public UnsupportedNationalitiesException(List<String> unsupported, List<String> supported) {
        super("nationalities " + String.join(", ", unsupported) + (unsupported.size() == 1 ? " is" : " are")
                + " not supported; supported: " + String.join(", ", supported));
        this.unsupported = List.copyOf(unsupported);
        this.supported = List.copyOf(supported);
    }

    public List<String> unsupported() {
        return unsupported;
    }

    public List<String> supported() {
        return supported;
    }
}
