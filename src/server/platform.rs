//! Everything in the plugin server that differs between operating systems, in one place: where it
//! listens (a unix socket in a private directory on Unix; TCP on 127.0.0.1 on Windows, as go-plugin
//! does there), which signals it heeds, and whether it can notice that Terraform has gone.
//!
//! The TCP transport is built on every OS: `CLOUDIMAGE_PLUGIN_NETWORK=tcp` picks it on Unix too, which
//! is how the Linux test suite runs real Terraform over the transport Windows users get.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::handshake::Address;

/// The environment variable that overrides this OS's usual transport (`unix` or `tcp`).
pub const NETWORK_VAR: &str = "CLOUDIMAGE_PLUGIN_NETWORK";

/// The kind of address the plugin listens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// A unix socket (go-plugin's choice everywhere but Windows).
    Unix,
    /// TCP on 127.0.0.1, in the port range Terraform gives (go-plugin's choice on Windows).
    Tcp,
}

impl Network {
    /// This OS's transport, unless `override_value` (the value of [`NETWORK_VAR`]) names another.
    pub fn choose(override_value: Option<&str>) -> Result<Network, String> {
        match override_value.map(str::trim) {
            None | Some("") => Ok(if cfg!(unix) {
                Network::Unix
            } else {
                Network::Tcp
            }),
            Some("tcp") => Ok(Network::Tcp),
            Some("unix") if cfg!(unix) => Ok(Network::Unix),
            Some("unix") => Err(format!(
                "{NETWORK_VAR}=unix: this operating system has no unix sockets; use tcp"
            )),
            Some(other) => Err(format!(
                "{NETWORK_VAR} must be unix or tcp, not {:?}",
                other.chars().take(40).collect::<String>()
            )),
        }
    }
}

/// `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT`, the ports a TCP listener may take. Terraform always sets both
/// (10000 and 25000); when neither is set the system picks a free port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub min: u16,
    pub max: u16,
}

impl PortRange {
    /// Parses the two variables' values as go-plugin does: absent means 0, and min may not exceed max.
    pub fn parse(min: Option<&str>, max: Option<&str>) -> Result<PortRange, String> {
        let port = |name: &str, value: Option<&str>| -> Result<u16, String> {
            match value.map(str::trim) {
                None | Some("") => Ok(0),
                Some(v) => v.parse().map_err(|_| {
                    format!(
                        "{name} must be a port number (0 to 65535), not {:?}",
                        v.chars().take(20).collect::<String>()
                    )
                }),
            }
        };
        let range = PortRange {
            min: port("PLUGIN_MIN_PORT", min)?,
            max: port("PLUGIN_MAX_PORT", max)?,
        };
        if range.min > range.max {
            return Err(format!(
                "PLUGIN_MIN_PORT ({}) is greater than PLUGIN_MAX_PORT ({})",
                range.min, range.max
            ));
        }
        Ok(range)
    }

    /// The range the environment gives.
    pub fn from_env() -> Result<PortRange, String> {
        let min = std::env::var("PLUGIN_MIN_PORT").ok();
        let max = std::env::var("PLUGIN_MAX_PORT").ok();
        PortRange::parse(min.as_deref(), max.as_deref())
    }
}

/// The address the plugin announced. For a unix socket it owns the socket's private 0700 directory:
/// both are removed when this is dropped.
pub struct PluginAddress {
    pub address: Address,
    dir: Option<tempfile::TempDir>,
}

impl Drop for PluginAddress {
    fn drop(&mut self) {
        if let Address::Unix(path) = &self.address {
            let _ = std::fs::remove_file(path);
        }
        if let Some(dir) = self.dir.take() {
            let _ = dir.close();
        }
    }
}

/// A bound listener of either kind.
pub enum Listener {
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
    Tcp(TcpListener),
}

impl Listener {
    /// Binds a listener of `network`'s kind: a unix socket in a fresh private directory, or the first
    /// free port of `ports` on 127.0.0.1 (never another interface: only Terraform on this machine may
    /// connect).
    pub async fn bind(network: Network, ports: PortRange) -> io::Result<(PluginAddress, Listener)> {
        match network {
            Network::Tcp => {
                let listener = bind_loopback(ports).await?;
                let address = Address::Tcp(listener.local_addr()?);
                Ok((
                    PluginAddress { address, dir: None },
                    Listener::Tcp(listener),
                ))
            }
            #[cfg(unix)]
            Network::Unix => bind_private_socket(),
            #[cfg(not(unix))]
            Network::Unix => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "unix sockets are not available on this operating system",
            )),
        }
    }

    /// Waits for the next connection.
    pub async fn accept(&self) -> io::Result<Stream> {
        match self {
            #[cfg(unix)]
            Listener::Unix(l) => Ok(Stream::Unix(l.accept().await?.0)),
            Listener::Tcp(l) => {
                let (stream, _) = l.accept().await?;
                // gRPC sends small frames and waits for their answers.
                let _ = stream.set_nodelay(true);
                Ok(Stream::Tcp(stream))
            }
        }
    }
}

async fn bind_loopback(ports: PortRange) -> io::Result<TcpListener> {
    let mut last_error = None;
    for port in ports.min..=ports.max {
        match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
            Ok(listener) => return Ok(listener),
            Err(e) => last_error = Some(e),
        }
    }
    let why = last_error.map(|e| e.to_string()).unwrap_or_default();
    Err(io::Error::new(
        io::ErrorKind::AddrInUse,
        format!(
            "no free TCP port on 127.0.0.1 between {} and {} ({why})",
            ports.min, ports.max
        ),
    ))
}

#[cfg(unix)]
fn bind_private_socket() -> io::Result<(PluginAddress, Listener)> {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::Builder::new()
        .prefix("cloudimage-plugin")
        .tempdir()?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
    let path = dir.path().join("plugin.sock");
    let listener = tokio::net::UnixListener::bind(&path)?;
    Ok((
        PluginAddress {
            address: Address::Unix(path),
            dir: Some(dir),
        },
        Listener::Unix(listener),
    ))
}

/// One accepted connection of either kind.
pub enum Stream {
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
    Tcp(TcpStream),
}

/// Calls `$call` on whichever stream `$self` holds.
macro_rules! each_stream {
    ($self:expr, $s:ident => $call:expr) => {
        match $self.get_mut() {
            #[cfg(unix)]
            Stream::Unix($s) => $call,
            Stream::Tcp($s) => $call,
        }
    };
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        each_stream!(self, s => Pin::new(s).poll_read(cx, buf))
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        each_stream!(self, s => Pin::new(s).poll_write(cx, buf))
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        each_stream!(self, s => Pin::new(s).poll_flush(cx))
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        each_stream!(self, s => Pin::new(s).poll_shutdown(cx))
    }
}

/// A signal (or Windows console event) the server reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalEvent {
    /// Ctrl-C: SIGINT, or CTRL_C_EVENT on Windows.
    Interrupt,
    /// A request to end the process: SIGTERM, or CTRL_BREAK/CTRL_CLOSE on Windows.
    Terminate,
}

/// The signals this process listens to; a kind that cannot be installed is simply never reported.
pub struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
    #[cfg(windows)]
    interrupt: Option<tokio::signal::windows::CtrlC>,
    #[cfg(windows)]
    brk: Option<tokio::signal::windows::CtrlBreak>,
    #[cfg(windows)]
    close: Option<tokio::signal::windows::CtrlClose>,
}

impl Signals {
    /// Starts listening (from here on the default handlers no longer end the process).
    #[cfg(unix)]
    pub fn install() -> Signals {
        use tokio::signal::unix::{signal, SignalKind};
        Signals {
            interrupt: signal(SignalKind::interrupt()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
        }
    }

    /// Starts listening (from here on the default handlers no longer end the process).
    #[cfg(windows)]
    pub fn install() -> Signals {
        use tokio::signal::windows;
        Signals {
            interrupt: windows::ctrl_c().ok(),
            brk: windows::ctrl_break().ok(),
            close: windows::ctrl_close().ok(),
        }
    }

    /// The next signal, or `None` when none can ever arrive.
    #[cfg(unix)]
    pub async fn next(&mut self) -> Option<SignalEvent> {
        tokio::select! {
            Some(()) = async { self.interrupt.as_mut()?.recv().await } => Some(SignalEvent::Interrupt),
            Some(()) = async { self.terminate.as_mut()?.recv().await } => Some(SignalEvent::Terminate),
            else => None,
        }
    }

    /// The next signal, or `None` when none can ever arrive.
    #[cfg(windows)]
    pub async fn next(&mut self) -> Option<SignalEvent> {
        tokio::select! {
            Some(()) = async { self.interrupt.as_mut()?.recv().await } => Some(SignalEvent::Interrupt),
            Some(()) = async { self.brk.as_mut()?.recv().await } => Some(SignalEvent::Terminate),
            Some(()) = async { self.close.as_mut()?.recv().await } => Some(SignalEvent::Terminate),
            else => None,
        }
    }
}

/// The parent process's id, where the OS lets a process ask cheaply (Unix). When Terraform dies
/// without a `Shutdown`, a Unix plugin is re-parented, and this changes. On Windows there is no such
/// call, and the watch is skipped (as go-plugin servers do everywhere): Terraform ends its plugins.
pub fn parent_id() -> Option<u32> {
    #[cfg(unix)]
    {
        Some(std::os::unix::process::parent_id())
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_range_follows_go_plugin() {
        assert_eq!(
            PortRange::parse(Some("10000"), Some("25000")),
            Ok(PortRange {
                min: 10000,
                max: 25000
            })
        );
        assert_eq!(
            PortRange::parse(None, None),
            Ok(PortRange { min: 0, max: 0 })
        );
        let err = PortRange::parse(Some("9"), Some("8")).unwrap_err();
        assert!(
            err.contains("PLUGIN_MIN_PORT (9) is greater than PLUGIN_MAX_PORT (8)"),
            "{err}"
        );
        let err = PortRange::parse(Some("x"), Some("8")).unwrap_err();
        assert!(
            err.contains("PLUGIN_MIN_PORT must be a port number"),
            "{err}"
        );
        assert!(PortRange::parse(None, Some("70000")).is_err());
    }

    #[test]
    fn network_defaults_to_the_os_choice_and_tcp_can_be_forced() {
        let usual = if cfg!(unix) {
            Network::Unix
        } else {
            Network::Tcp
        };
        assert_eq!(Network::choose(None), Ok(usual));
        assert_eq!(Network::choose(Some("")), Ok(usual));
        assert_eq!(Network::choose(Some("tcp")), Ok(Network::Tcp));
        let err = Network::choose(Some("udp\u{1b}[2J")).unwrap_err();
        assert!(err.contains("must be unix or tcp"), "{err}");
    }

    #[tokio::test]
    async fn tcp_takes_the_first_free_port_of_the_range_on_loopback_only() {
        // Occupy a port the system chose, then ask for a range that starts there.
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let first = taken.local_addr().unwrap().port();
        let Some(last) = first.checked_add(50) else {
            return; // the system gave the very top of the range; nothing to test above it
        };
        let (address, _listener) = Listener::bind(
            Network::Tcp,
            PortRange {
                min: first,
                max: last,
            },
        )
        .await
        .unwrap();
        let Address::Tcp(addr) = address.address.clone() else {
            panic!("not tcp: {:?}", address.address)
        };
        assert!(addr.ip().is_loopback(), "{addr}");
        assert!(addr.port() > first && addr.port() <= last, "{addr}");
    }

    #[tokio::test]
    async fn a_range_with_no_free_port_is_a_clear_error() {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = Listener::bind(
            Network::Tcp,
            PortRange {
                min: port,
                max: port,
            },
        )
        .await
        .err()
        .expect("the only port is taken");
        let text = err.to_string();
        assert!(
            text.contains(&format!(
                "no free TCP port on 127.0.0.1 between {port} and {port}"
            )),
            "{text}"
        );
    }
}
