package io.userstream.console.servers;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Whether each server of the stack answers, as last probed. */
@RestController
class ServersController {

    private final ServerProbe probe;

    ServersController(ServerProbe probe) {
        this.probe = probe;
    }

    @GetMapping("/api/v1/servers")
    List<ServerStatus> servers() {
        return probe.latest();
    }
}
