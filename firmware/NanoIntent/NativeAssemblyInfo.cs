using System.Reflection;

// nanoFramework's stub generator and runtime match this against the native assembly compiled into the firmware.
[assembly: AssemblyNativeVersion("1.0.0.0")]
