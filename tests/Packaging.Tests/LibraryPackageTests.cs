using System.Globalization;
using System.Text;
using TtLora.Core.Adapters;
using TtLora.Core.Models;
using static TorchSharp.torch;

namespace TtLora.Packaging.Tests;

/// <summary>
/// A console app outside the solution that references TtLora.Core from the local feed, as a library user's would: it
/// restores into an empty package folder, builds (the package's buildTransitive targets apply the Debian native fix to
/// its output when this machine needs it), loads a random tiny checkpoint, attaches a TT-LoRA adapter and prints
/// logits, which must equal the ones the sources compute here in-process.
/// </summary>
[Collection(PackagingCollection.Name)]
public class LibraryPackageTests(PackagedRelease release)
{
    const string Program = """
        using TtLora.Core.Adapters;
        using TtLora.Core.Models;
        using static TorchSharp.torch;

        string dir = args[0];
        RandomCheckpoint.Create(dir, ModelPresets.Get("tiny"), tokenizerPath: null, seed: 7);
        using var model = LlamaCheckpoint.LoadCausalLM(dir);
        var attachment = new AdapterInjector(model).Inject(new TtLoraConfig { R = 4 }, "demo", seed: 11);
        using var ids = tensor(new long[] { 1, 17, 42, 99, 3 }).unsqueeze(0);
        using var logits = model.Forward(ids);
        Console.WriteLine($"{attachment.AdapterParameters} adapter values on {attachment.Modules.Count} modules");
        Console.WriteLine($"logits [{string.Join(", ", logits.shape)}]");
        Console.WriteLine(string.Join(" ", logits[0, -1].data<float>().ToArray().Select(v => v.ToString("R"))));
        """;

    static readonly long[] Ids = [1, 17, 42, 99, 3];

    [Fact]
    public void AConsoleAppBuildsOnTheCorePackageAndComputesWhatTheSourcesDo()
    {
        string app = release.Sub("console-app");
        File.WriteAllText(Path.Combine(app, "TinyTtLora.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <PlatformTarget>x64</PlatformTarget>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TtLora.Core" Version="{release.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        File.Copy(release.WriteNuGetConfig("console-app"), Path.Combine(app, "NuGet.config"));

        var build = PackagedRelease.Dotnet(["build", "-c", "Release", "--disable-build-servers"], TimeSpan.FromMinutes(6),
            release.CleanEnvironment("console-app"), app);
        string native = Path.Combine(app, "bin", "Release", "net10.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(native), "the TorchSharp native library is not in the app's output");
        // The package's targets mark the requirement weak in the output copy exactly when this machine's libstdc++ lacks it.
        Assert.Equal(MachineLacksGlibcxx3432(), build.Output.Contains($"Marked GLIBCXX_3.4.32 weak in {native}"));

        string checkpoint = Path.Combine(app, "checkpoint");
        var run = ChildProcess.Run("dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "TinyTtLora.dll"), checkpoint],
            TimeSpan.FromMinutes(2), release.CleanEnvironment("console-app-run"));
        Assert.True(run.ExitCode == 0, $"the console app failed: {run.Error}");
        var lines = run.Output.Trim().Split('\n');
        var printed = lines[2].Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();

        // The same calls through the sources, in this process, on the checkpoint the app wrote.
        using var model = LlamaCheckpoint.LoadCausalLM(checkpoint);
        using var idsTensor = tensor(Ids).unsqueeze(0);
        using var baseLogits = model.Forward(idsTensor);
        var attachment = new AdapterInjector(model).Inject(new TtLoraConfig { R = 4 }, "demo", seed: 11);
        using var logits = model.Forward(idsTensor);
        var expected = logits[0, -1].data<float>().ToArray();

        Assert.Equal($"{attachment.AdapterParameters} adapter values on {attachment.Modules.Count} modules", lines[0].Trim());
        Assert.Equal($"logits [1, {Ids.Length}, {model.Config.VocabSize}]", lines[1].Trim());
        Assert.Equal(expected.Length, printed.Length);
        // Same library, same weights, same seeds: equal up to float32 reduction order (tolerance 1e-5 absolute).
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - printed[i]) <= 1e-5, $"logit {i}: {printed[i]} vs {expected[i]}");
        // And the adapter is in the computation: the logits differ from the base model's.
        Assert.True((logits - baseLogits).abs().max().item<float>() > 1e-4f, "the TT-LoRA adapter did not change the logits");
    }

    static bool MachineLacksGlibcxx3432()
    {
        string? libstdcxx = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
        if (libstdcxx is null) return false;
        byte[] needle = Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0");
        return File.ReadAllBytes(libstdcxx).AsSpan().IndexOf(needle) < 0;
    }
}
