//! A private `redis-server` per test: its own temp dir, a unix socket inside it (no port
//! races), no persistence, killed on drop. The server log goes into the panic message when it
//! fails to start, so a broken environment explains itself.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to answer its first PING.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running (or deliberately stopped) private Redis server.
pub struct RedisServer {
    dir: tempfile::TempDir,
    socket: PathBuf,
    child: Option<Child>,
    /// TCP port of a cluster node; `None` for a plain server.
    cluster_port: Option<u16>,
}

impl RedisServer {
    /// Start a fresh server and wait until it answers PING. Panics (with the server log) when
    /// it does not come up.
    pub fn start() -> RedisServer {
        let dir = tempfile::Builder::new()
            .prefix("asli-redis-")
            .tempdir()
            .expect("create a temp dir for redis-server");
        RedisServer::start_in(dir, None)
    }

    /// Start a cluster-enabled node owning no slots yet (see [`RedisCluster`]).
    fn start_cluster_node() -> RedisServer {
        let dir = tempfile::Builder::new()
            .prefix("asli-redis-node-")
            .tempdir()
            .expect("create a temp dir for redis-server");
        RedisServer::start_in(dir, Some(free_cluster_port()))
    }

    fn start_in(dir: tempfile::TempDir, cluster_port: Option<u16>) -> RedisServer {
        let socket = dir.path().join("redis.sock");
        let mut server = RedisServer {
            dir,
            socket,
            child: None,
            cluster_port,
        };
        server.spawn();
        server
    }

    /// The URL a store connects with: `redis+unix:///.../redis.sock`.
    pub fn url(&self) -> String {
        format!("redis+unix://{}", self.socket.display())
    }

    /// Kill the server (as a crash would) and wait for it to exit. Data is lost: the server
    /// keeps nothing on disk.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&self.socket);
    }

    /// Stop the server if it runs, then start a new one on the same socket.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("redis.log")
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("open the redis-server log");
        let mut command = Command::new("redis-server");
        match self.cluster_port {
            Some(port) => command
                .arg("--port")
                .arg(port.to_string())
                .arg("--bind")
                .arg("127.0.0.1")
                .arg("--cluster-enabled")
                .arg("yes")
                .arg("--cluster-config-file")
                .arg(self.dir.path().join("nodes.conf")),
            None => command.arg("--port").arg("0"),
        };
        let child = command
            .arg("--unixsocket")
            .arg(&self.socket)
            .arg("--unixsocketperm")
            .arg("700")
            .arg("--save")
            .arg("")
            .arg("--appendonly")
            .arg("no")
            .arg("--dir")
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run redis-server (is it installed?): {e}"));
        self.child = Some(child);
        self.wait_until_ready();
    }

    /// A synchronous connection over the unix socket.
    fn connection(&self) -> redis::Connection {
        let url = format!("redis+unix://{}", self.socket.display());
        redis::Client::open(url)
            .expect("socket URL")
            .get_connection()
            .expect("connect over the socket")
    }

    fn wait_until_ready(&mut self) {
        let started = Instant::now();
        loop {
            if ping(&self.socket) {
                return;
            }
            let exited = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || started.elapsed() > START_TIMEOUT {
                let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
                self.stop();
                panic!("redis-server did not start (exit: {exited:?}); its log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether a server answers PING on `socket`.
fn ping(socket: &Path) -> bool {
    let Ok(mut stream) = UnixStream::connect(socket) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut reply = [0u8; 7];
    stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
}

/// A TCP port that is free now, with its cluster bus port (+10000) in range.
fn free_cluster_port() -> u16 {
    loop {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().expect("local address").port();
        if port <= 55_535 {
            return port;
        }
    }
}

/// A private Redis Cluster of three primaries on loopback ports (each owning a third of the
/// slots), joined with `CLUSTER MEET`, ready when every node reports `cluster_state:ok` and
/// knows all three: a real cluster, where a script touching keys of two slots fails.
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
}

impl RedisCluster {
    /// Start three primaries and wait until the cluster is ready.
    pub fn start() -> RedisCluster {
        let nodes: Vec<RedisServer> = (0..3).map(|_| RedisServer::start_cluster_node()).collect();
        let ranges = [(0, 5460), (5461, 10922), (10923, 16383)];
        for (node, (first, last)) in nodes.iter().zip(ranges) {
            let _: () = redis::cmd("CLUSTER")
                .arg("ADDSLOTSRANGE")
                .arg(first)
                .arg(last)
                .query(&mut node.connection())
                .expect("CLUSTER ADDSLOTSRANGE");
        }
        let mut first = nodes[0].connection();
        for node in &nodes[1..] {
            let port = node.cluster_port.expect("a cluster node has a port");
            let _: () = redis::cmd("CLUSTER")
                .arg("MEET")
                .arg("127.0.0.1")
                .arg(port)
                .query(&mut first)
                .expect("CLUSTER MEET");
        }
        let started = Instant::now();
        for node in &nodes {
            let mut conn = node.connection();
            loop {
                let info: String = redis::cmd("CLUSTER")
                    .arg("INFO")
                    .query(&mut conn)
                    .expect("CLUSTER INFO");
                if info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3") {
                    break;
                }
                if started.elapsed() > START_TIMEOUT * 3 {
                    panic!("the three-node cluster never became ready:\n{info}");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        RedisCluster { nodes }
    }

    /// `redis+cluster://127.0.0.1:<p1>,127.0.0.1:<p2>,127.0.0.1:<p3>`.
    pub fn url(&self) -> String {
        let hosts: Vec<String> = self
            .nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.cluster_port.expect("port")))
            .collect();
        format!("redis+cluster://{}", hosts.join(","))
    }

    /// How many keys each node holds, in node order.
    pub fn keys_per_node(&self) -> Vec<u64> {
        self.nodes
            .iter()
            .map(|n| {
                redis::cmd("DBSIZE")
                    .query(&mut n.connection())
                    .expect("DBSIZE")
            })
            .collect()
    }
}
