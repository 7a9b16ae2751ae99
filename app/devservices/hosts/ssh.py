"""A private sshd on a loopback port: root may log in with the generated client key, from 127.0.0.1 only."""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.devservices import stop_process, wait_for_port
from app.provisioning import processes

CONFIG = """\
# Written by alta's app/devservices/hosts/ssh.py: the staging inventory's SSH host (tests, development).
Port {port}
ListenAddress 127.0.0.1
HostKey {root}/host_ed25519
PidFile {root}/sshd.pid
AuthorizedKeysFile {root}/authorized_keys
# Root, by key only, from the loopback address only; nothing else.
PermitRootLogin prohibit-password
AllowUsers root@127.0.0.1
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The keys live in a temporary folder below /tmp (world-writable): sshd's path checks would refuse them.
StrictModes no
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
# Ansible runs many tasks over one connection (ControlMaster): allow its sessions.
MaxSessions 50
MaxStartups 50
Subsystem sftp internal-sftp
LogLevel ERROR
"""


class SshHost:
    def __init__(self, root: Path, port: int):
        self.root = Path(root)
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def client_key(self) -> Path:
        return self.root / "client_ed25519"

    @property
    def known_hosts(self) -> Path:
        return self.root / "known_hosts"

    def setup(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)
        for key in (self.root / "host_ed25519", self.client_key):
            if not key.exists():
                subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"alta-staging-{key.name}",
                                "-f", str(key)], check=True, capture_output=True)
        (self.root / "authorized_keys").write_text(
            f'from="127.0.0.1" {(self.root / "client_ed25519.pub").read_text()}')
        host_key = (self.root / "host_ed25519.pub").read_text().split()
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {host_key[0]} {host_key[1]}\n")
        (self.root / "sshd_config").write_text(CONFIG.format(port=self.port, root=self.root))
        # The one path outside our folder: sshd refuses to start without its privilege-separation directory.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        subprocess.run(["/usr/sbin/sshd", "-t", "-f", str(self.root / "sshd_config")], check=True,
                       capture_output=True)

    def start(self) -> None:
        self.setup()
        log = open(self.root / "sshd.log", "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen(
            ["/usr/sbin/sshd", "-D", "-e", "-f", str(self.root / "sshd_config")],
            stdout=log, stderr=log, start_new_session=True,
        )
        wait_for_port(self.port, self.process, name="sshd")

    def stop(self) -> None:
        """The host goes down: the listener and every session it forked (each one calls setsid())."""
        if self.process is None:
            return
        sessions = processes.descendants(self.process.pid)
        stop_process(self.process)
        processes.kill_trees(sessions)
        self.process = None
