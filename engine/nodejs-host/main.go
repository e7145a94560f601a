// pulumi-language-nodejs for the engine tier: the Node.js language host built from sdk/v3@v3.68.0, with the one RPC
// it lacks and the CLI needs to start a policy pack.
//
// What it is: a front for the real v3.68.0 host, which it starts beside itself (../libexec/pulumi-language-nodejs)
// with the same arguments and to which it forwards every call unchanged (programs run exactly as on that host), except
// RunPlugin for a policy pack (kind "analyzer"). The v3.276 engine starts a policy pack directory only through its
// runtime's RunPlugin (pkg/resource/plugin ExecPlugin; the `pulumi-analyzer-policy` shim it used to fall back on is
// gone), and the v3.68.0 host answers RunPlugin with "not supported". Newer hosts answer it by running
// `@pulumi/pulumi/cmd/run-policy-pack` from the pack's directory behind the SDK's sdk.PolicyProxy, which takes the
// engine's ConfigureStack and hands the stack to the pack as PULUMI_NODEJS_* and PULUMI_CONFIG variables. This front
// does the same with the same proxy (sdk/v3 at the CLI's version): the analyzer is @pulumi/policy serving our pack.
//
// What it is not: a language host of its own. Everything else is the v3.68.0 host's answer, and a user's own Pulumi
// install (whose host implements RunPlugin) never uses this front (engine/setup.ts builds it only for the tier's CLI).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// runPolicyPack is the module @pulumi/pulumi ships to serve a policy pack: `node <it> <engine address> <pack dir>`.
const runPolicyPack = "@pulumi/pulumi/cmd/run-policy-pack"

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs (engine tier): %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	real, err := realHostPath()
	if err != nil {
		return err
	}
	// Same arguments (logging flags, the engine's address); same process group, so the engine's kill reaches it.
	child := exec.Command(real, os.Args[1:]...)
	child.Stderr = os.Stderr
	childOut, err := child.StdoutPipe()
	if err != nil {
		return err
	}
	if err := child.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", real, err)
	}
	defer func() { _ = child.Process.Kill() }()

	// A plugin's first line on stdout is its port; the rest (the program's own output) goes on to ours.
	out := bufio.NewReader(childOut)
	line, err := out.ReadString('\n')
	if err != nil {
		return fmt.Errorf("%s did not print its port: %w", real, err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return fmt.Errorf("%s printed %q instead of its port", real, line)
	}
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", port),
		grpc.WithTransportCredentials(insecure.NewCredentials()), rpcutil.GrpcChannelOptions())
	if err != nil {
		return fmt.Errorf("dialing %s: %w", real, err)
	}
	defer conn.Close()

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{real: pulumirpc.NewLanguageRuntimeClient(conn)})
			return nil
		},
	})
	if err != nil {
		return fmt.Errorf("serving: %w", err)
	}
	fmt.Printf("%d\n", handle.Port)
	go func() { _, _ = io.Copy(os.Stdout, out) }()

	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	select {
	case err := <-handle.Done:
		return err
	case err := <-exited:
		return fmt.Errorf("%s exited: %v", real, err)
	}
}

// realHostPath is the v3.68.0 host engine/setup.ts builds into libexec/, beside this front's bin/.
func realHostPath() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	path := filepath.Join(filepath.Dir(self), "..", "libexec", "pulumi-language-nodejs")
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("the v3.68.0 Node.js language host is not at %s: run `npm run engine:setup`", path)
	}
	return path, nil
}

// host forwards every LanguageRuntime call to the real host, except RunPlugin for a policy pack.
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	real pulumirpc.LanguageRuntimeClient
}

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != string(apitype.AnalyzerPlugin) {
		return forwardStream(server, func() (grpc.ServerStreamingClient[pulumirpc.RunPluginResponse], error) {
			return h.real.RunPlugin(server.Context(), req)
		})
	}
	return runPolicyPackPlugin(req, server)
}

// runPolicyPackPlugin serves a policy pack directory the way newer Node.js hosts do: @pulumi/pulumi's run-policy-pack
// started in the pack's directory, behind sdk.PolicyProxy, which answers the engine's Handshake and ConfigureStack and
// passes the stack to the pack in the environment @pulumi/pulumi reads.
func runPolicyPackPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	dir := req.GetInfo().GetProgramDirectory()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("node is not on PATH: %w", err)
	}
	script, err := resolveModule(ctx, node, dir, runPolicyPack)
	if err != nil {
		return err
	}

	proxy, packStdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("starting the policy pack proxy: %w", err)
	}
	stack, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("awaiting the stack's configuration: %w", err)
	}
	env, err := stackEnvironment(stack)
	if err != nil {
		return err
	}

	args := append([]string{script}, req.GetArgs()...)
	cmd := exec.CommandContext(ctx, node, append(args, dir)...)
	cmd.Dir = dir
	cmd.Env = append(req.GetEnv(), env...)
	cmd.Stdout, cmd.Stderr = packStdout, stderr
	if err := cmd.Start(); err != nil {
		proxy.Abort(err)
		return fmt.Errorf("starting the policy pack in %s: %w", dir, err)
	}
	if err := proxy.Attach(ctx, cmd); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("policy pack in %s exited with code %d", dir, exit.ExitCode())
		}
		return err
	}
	return closer.Close()
}

// stackEnvironment is the stack as @pulumi/pulumi's runtime reads it in a policy pack's process.
func stackEnvironment(stack *pulumirpc.AnalyzerStackConfigureRequest) ([]string, error) {
	if stack == nil {
		return nil, nil
	}
	var env []string
	add := func(key, value string) {
		if value != "" {
			env = append(env, key+"="+value)
		}
	}
	add("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
	add("PULUMI_NODEJS_PROJECT", stack.GetProject())
	add("PULUMI_NODEJS_STACK", stack.GetStack())
	add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
	if stack.GetConfig() != nil {
		config, err := json.Marshal(stack.GetConfig())
		if err != nil {
			return nil, fmt.Errorf("encoding the stack's configuration: %w", err)
		}
		add("PULUMI_CONFIG", string(config))
	}
	return env, nil
}

// resolveModule finds a module as Node.js resolves it from dir (the pack's own node_modules, then its parents').
func resolveModule(ctx context.Context, node, dir, module string) (string, error) {
	cmd := exec.CommandContext(ctx, node, "-e", "process.stdout.write(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	path, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s cannot be found from %s (are the pack's dependencies installed?): %s",
			module, dir, strings.TrimSpace(stderr.String()))
	}
	return string(path), nil
}

// forwardStream relays a server-streaming call's responses from the real host.
func forwardStream[T any](server grpc.ServerStreamingServer[T], open func() (grpc.ServerStreamingClient[T], error)) error {
	stream, err := open()
	if err != nil {
		return err
	}
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := server.Send(msg); err != nil {
			return err
		}
	}
}

func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return forwardStream(server, func() (grpc.ServerStreamingClient[pulumirpc.InstallDependenciesResponse], error) {
		return h.real.InstallDependencies(server.Context(), req)
	})
}

func (h *host) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	return h.real.Handshake(ctx, req)
}

func (h *host) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return h.real.GetRequiredPlugins(ctx, req)
}

func (h *host) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return h.real.GetRequiredPackages(ctx, req)
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	return h.real.Run(ctx, req)
}

func (h *host) GetPluginInfo(ctx context.Context, req *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return h.real.GetPluginInfo(ctx, req)
}

func (h *host) RuntimeOptionsPrompts(
	ctx context.Context, req *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return h.real.RuntimeOptionsPrompts(ctx, req)
}

func (h *host) Template(ctx context.Context, req *pulumirpc.TemplateRequest) (*pulumirpc.TemplateResponse, error) {
	return h.real.Template(ctx, req)
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	return h.real.About(ctx, req)
}

func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return h.real.GetProgramDependencies(ctx, req)
}

func (h *host) GenerateProgram(
	ctx context.Context, req *pulumirpc.GenerateProgramRequest,
) (*pulumirpc.GenerateProgramResponse, error) {
	return h.real.GenerateProgram(ctx, req)
}

func (h *host) GenerateProject(
	ctx context.Context, req *pulumirpc.GenerateProjectRequest,
) (*pulumirpc.GenerateProjectResponse, error) {
	return h.real.GenerateProject(ctx, req)
}

func (h *host) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	return h.real.GeneratePackage(ctx, req)
}

func (h *host) Pack(ctx context.Context, req *pulumirpc.PackRequest) (*pulumirpc.PackResponse, error) {
	return h.real.Pack(ctx, req)
}

func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	return h.real.Link(ctx, req)
}

func (h *host) Cancel(ctx context.Context, req *emptypb.Empty) (*emptypb.Empty, error) {
	return h.real.Cancel(ctx, req)
}
