// SPDX-License-Identifier: MIT
// The `gl` producer: EGL on the GBM device (EGL_PLATFORM_GBM_KHR), the
// dma-buf imported as an EGLImage (EGL_EXT_image_dma_buf_import, with its
// modifier where EGL_EXT_image_dma_buf_import_modifiers is offered), bound to
// a texture behind an FBO. A frame is one full-screen draw whose fragment
// shader loops for a calibrated number of iterations, then writes the frame
// pattern; submit() ends with glFlush() only, like a compositor handing the
// buffer on at submit time.
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES3/gl3.h>
// gl2ext.h relies on the GL_APIENTRY that gl3.h defines.
#include <GLES2/gl2ext.h>
#include <drm_fourcc.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <vector>

#include "gpu/gbm.h"
#include "gpu/gpu_target.h"
#include "gpu/mesa.h"
#include "gpu/pattern.h"
#include "gpu/producer.h"
#include "gpu/workload.h"
#include "harness/deadline.h"
#include "harness/held.h"
#include "results/schema.h"

namespace fc {
namespace {

constexpr const char* kVertexShader = R"(#version 300 es
void main() {
  // One triangle covering the viewport.
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
)";

// frame_color() of gpu/pattern.cpp, per fragment; the loop is the workload.
// (Written as a plain counted loop: Mesa folded a loop bounded by a constant
// with an early break.)
constexpr const char* kFragmentShader = R"(#version 300 es
precision highp float;
precision highp int;
uniform uint u_seed;
uniform int u_iterations;
out vec4 color;
void main() {
  float acc = 0.0;
  for (int i = 0; i < u_iterations; i++) acc = fract(acc * 1.618 + 0.137);
  uint x = uint(gl_FragCoord.x);
  uint y = uint(gl_FragCoord.y);
  uint r = u_seed & 0xffu;
  uint g = ((u_seed >> 8) ^ y) & 0xffu;
  uint b = ((u_seed >> 16) ^ x) & 0xffu;
  color = vec4(float(r), float(g), float(b), 255.0) / 255.0;
  if (acc > 2.0) color = vec4(0.0);  // never true: keeps the loop's result live
}
)";

// The GPU read: the same busy loop, then a copy of the imported image's texel
// into a private render target (submit_read()).
constexpr const char* kReadShader = R"(#version 300 es
precision highp float;
precision highp int;
uniform highp sampler2D u_source;
uniform int u_iterations;
out vec4 color;
void main() {
  float acc = 0.0;
  for (int i = 0; i < u_iterations; i++) acc = fract(acc * 1.618 + 0.137);
  color = texelFetch(u_source, ivec2(gl_FragCoord.xy), 0);
  if (acc > 2.0) color = vec4(0.0);  // never true: keeps the loop's result live
}
)";

std::string egl_error(const char* what) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%04x", eglGetError());
  return std::string(what) + " failed (EGL error " + code + ")";
}

bool has_extension(const char* list, std::string_view name) {
  if (list == nullptr) return false;
  std::string_view all(list);
  for (std::size_t pos = 0; (pos = all.find(name, pos)) != std::string_view::npos; pos += name.size()) {
    bool starts = pos == 0 || all[pos - 1] == ' ';
    bool ends = pos + name.size() == all.size() || all[pos + name.size()] == ' ';
    if (starts && ends) return true;
  }
  return false;
}

GLuint compile(GLenum type, const char* source, std::string& log);

// The full-screen vertex shader with fragment_source; 0 and the log on failure.
GLuint link(const char* fragment_source, std::string& error) {
  GLuint vs = compile(GL_VERTEX_SHADER, kVertexShader, error);
  if (vs == 0) return 0;
  GLuint fs = compile(GL_FRAGMENT_SHADER, fragment_source, error);
  if (fs == 0) {
    glDeleteShader(vs);
    return 0;
  }
  GLuint program = glCreateProgram();
  glAttachShader(program, vs);
  glAttachShader(program, fs);
  glLinkProgram(program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint linked = 0;
  glGetProgramiv(program, GL_LINK_STATUS, &linked);
  if (!linked) {
    error = "link failed";
    glDeleteProgram(program);
    return 0;
  }
  return program;
}

GLuint compile(GLenum type, const char* source, std::string& log) {
  GLuint shader = glCreateShader(type);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char text[1024] = {};
    glGetShaderInfoLog(shader, sizeof text, nullptr, text);
    log = text;
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}

class GlProducer final : public Producer {
 public:
  ~GlProducer() override {
    if (display_ == EGL_NO_DISPLAY) return;
    eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, context_);
    if (sync_ != nullptr) glDeleteSync(sync_);
    release_target();
    if (program_ != 0) glDeleteProgram(program_);
    if (read_program_ != 0) glDeleteProgram(read_program_);
    if (vao_ != 0) glDeleteVertexArrays(1, &vao_);
    eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    if (context_ != EGL_NO_CONTEXT) {
      eglDestroyContext(display_, context_);
      note_released(Held::EglContext);
    }
    eglTerminate(display_);
    note_released(Held::EglDisplay);
  }

  // Display, context, program; the error text on failure.
  std::string init(const GbmDevice& gbm, const ProducerOptions& options) {
    gbm_backend_ = gbm.backend_name();
    const char* client_extensions = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    if (!has_extension(client_extensions, "EGL_KHR_platform_gbm") &&
        !has_extension(client_extensions, "EGL_MESA_platform_gbm")) {
      return "unsupported: EGL has no GBM platform (EGL_KHR_platform_gbm)";
    }
    auto get_platform_display =
        reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
    if (get_platform_display == nullptr) return "unsupported: no eglGetPlatformDisplayEXT";
    display_ = get_platform_display(EGL_PLATFORM_GBM_KHR, gbm.get(), nullptr);
    if (display_ == EGL_NO_DISPLAY) return egl_error("eglGetPlatformDisplayEXT(EGL_PLATFORM_GBM_KHR)");
    EGLint major = 0, minor = 0;
    if (!eglInitialize(display_, &major, &minor)) {
      display_ = EGL_NO_DISPLAY;
      return egl_error("eglInitialize");
    }
    note_made(Held::EglDisplay);
    const char* extensions = eglQueryString(display_, EGL_EXTENSIONS);
    if (!has_extension(extensions, "EGL_EXT_image_dma_buf_import")) {
      return "unsupported: no EGL_EXT_image_dma_buf_import on this display";
    }
    modifiers_ = has_extension(extensions, "EGL_EXT_image_dma_buf_import_modifiers");
    native_fences_ = has_extension(extensions, "EGL_ANDROID_native_fence_sync");
    wait_sync_ = has_extension(extensions, "EGL_KHR_wait_sync");
    if (!has_extension(extensions, "EGL_KHR_surfaceless_context")) return "unsupported: no EGL_KHR_surfaceless_context";
    egl_vendor_ = eglQueryString(display_, EGL_VENDOR);
    egl_version_ = eglQueryString(display_, EGL_VERSION);

    if (!eglBindAPI(EGL_OPENGL_ES_API)) return egl_error("eglBindAPI(EGL_OPENGL_ES_API)");
    const EGLint config_attribs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_ES3_BIT, EGL_NONE};
    EGLConfig config = nullptr;
    EGLint count = 0;
    if (!eglChooseConfig(display_, config_attribs, &config, 1, &count) || count == 0) {
      return "unsupported: no EGL config with OpenGL ES 3";
    }
    // --validate: a debug context (EGL_KHR_create_context), whose GL_KHR_debug
    // messages of type ERROR fail the test (take_validation_errors()).
    std::vector<EGLint> context_attribs = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 0};
    if (options.validate) {
      if (!has_extension(extensions, "EGL_KHR_create_context")) {
        return "--validate needs a debug context, and the EGL display has no EGL_KHR_create_context";
      }
      context_attribs.insert(context_attribs.end(), {EGL_CONTEXT_FLAGS_KHR, EGL_CONTEXT_OPENGL_DEBUG_BIT_KHR});
    }
    context_attribs.push_back(EGL_NONE);
    context_ = eglCreateContext(display_, config, EGL_NO_CONTEXT, context_attribs.data());
    if (context_ == EGL_NO_CONTEXT) return egl_error("eglCreateContext(OpenGL ES 3.0)");
    note_made(Held::EglContext);
    if (!eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, context_)) return egl_error("eglMakeCurrent");
    if (options.validate) {
      const char* gl_extensions = reinterpret_cast<const char*>(glGetString(GL_EXTENSIONS));
      auto callback =
          reinterpret_cast<PFNGLDEBUGMESSAGECALLBACKKHRPROC>(eglGetProcAddress("glDebugMessageCallbackKHR"));
      if (!has_extension(gl_extensions, "GL_KHR_debug") || callback == nullptr) {
        return "--validate needs GL_KHR_debug, which this context does not offer";
      }
      callback(&GlProducer::on_debug_message, this);
      glEnable(GL_DEBUG_OUTPUT_SYNCHRONOUS_KHR);
      validated_ = true;
    }

    create_image_ = reinterpret_cast<PFNEGLCREATEIMAGEKHRPROC>(eglGetProcAddress("eglCreateImageKHR"));
    destroy_image_ = reinterpret_cast<PFNEGLDESTROYIMAGEKHRPROC>(eglGetProcAddress("eglDestroyImageKHR"));
    image_target_ =
        reinterpret_cast<PFNGLEGLIMAGETARGETTEXTURE2DOESPROC>(eglGetProcAddress("glEGLImageTargetTexture2DOES"));
    if (create_image_ == nullptr || destroy_image_ == nullptr || image_target_ == nullptr) {
      return "unsupported: no EGLImage entry points (EGL_KHR_image_base, GL_OES_EGL_image)";
    }
    create_sync_ = reinterpret_cast<PFNEGLCREATESYNCKHRPROC>(eglGetProcAddress("eglCreateSyncKHR"));
    destroy_sync_ = reinterpret_cast<PFNEGLDESTROYSYNCKHRPROC>(eglGetProcAddress("eglDestroySyncKHR"));
    wait_sync_fn_ = reinterpret_cast<PFNEGLWAITSYNCKHRPROC>(eglGetProcAddress("eglWaitSyncKHR"));
    dup_native_fence_ =
        reinterpret_cast<PFNEGLDUPNATIVEFENCEFDANDROIDPROC>(eglGetProcAddress("eglDupNativeFenceFDANDROID"));
    native_fences_ =
        native_fences_ && create_sync_ != nullptr && destroy_sync_ != nullptr && dup_native_fence_ != nullptr;
    wait_sync_ = wait_sync_ && wait_sync_fn_ != nullptr;
    renderer_ = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    vendor_ = reinterpret_cast<const char*>(glGetString(GL_VENDOR));
    version_ = reinterpret_cast<const char*>(glGetString(GL_VERSION));
    note_loaded_driver(version_);  // the run's mesa.version: what was loaded, not what was meant

    std::string error;
    program_ = link(kFragmentShader, error);
    if (program_ == 0) return "the frame program: " + error;
    read_program_ = link(kReadShader, error);
    if (read_program_ == 0) return "the read program: " + error;
    seed_location_ = glGetUniformLocation(program_, "u_seed");
    iterations_location_ = glGetUniformLocation(program_, "u_iterations");
    read_iterations_location_ = glGetUniformLocation(read_program_, "u_iterations");
    glGenVertexArrays(1, &vao_);
    return {};
  }

  using Producer::submit;
  const ProducerKind& kind() const override { return producer_kind(ProducerId::Gl); }

  Environment environment() const override {
    return {{std::string(schema::kGlVendor), vendor_},
            {std::string(schema::kGlRenderer), renderer_},
            {std::string(schema::kGlVersion), version_},
            {std::string(schema::kEglVendor), egl_vendor_},
            {std::string(schema::kEglVersion), egl_version_},
            {std::string(schema::kGbmBackend), gbm_backend_},
            {std::string(schema::kGlWorkload), std::to_string(iterations_)}};
  }

  Probe supports(const DmaBufImage& image) const override {
    if (find_format(image.fourcc) == nullptr) {
      return Probe::unsupported("the gl producer writes 32-bit RGB formats only, not " + fourcc_name(image.fourcc));
    }
    if (image.modifier != DRM_FORMAT_MOD_INVALID && image.modifier != DRM_FORMAT_MOD_LINEAR && !modifiers_) {
      return Probe::unsupported("modifier " + modifier_name(image.modifier) +
                                " but no EGL_EXT_image_dma_buf_import_modifiers");
    }
    return Probe::supported();
  }

  Status attach(const DmaBufImage& image) override {
    eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, context_);
    release_target();
    std::vector<EGLint> attribs = {EGL_WIDTH,
                                   static_cast<EGLint>(image.width),
                                   EGL_HEIGHT,
                                   static_cast<EGLint>(image.height),
                                   EGL_LINUX_DRM_FOURCC_EXT,
                                   static_cast<EGLint>(image.fourcc)};
    static constexpr EGLint kPlaneAttribs[][5] = {
        {EGL_DMA_BUF_PLANE0_FD_EXT, EGL_DMA_BUF_PLANE0_OFFSET_EXT, EGL_DMA_BUF_PLANE0_PITCH_EXT,
         EGL_DMA_BUF_PLANE0_MODIFIER_LO_EXT, EGL_DMA_BUF_PLANE0_MODIFIER_HI_EXT},
        {EGL_DMA_BUF_PLANE1_FD_EXT, EGL_DMA_BUF_PLANE1_OFFSET_EXT, EGL_DMA_BUF_PLANE1_PITCH_EXT,
         EGL_DMA_BUF_PLANE1_MODIFIER_LO_EXT, EGL_DMA_BUF_PLANE1_MODIFIER_HI_EXT},
        {EGL_DMA_BUF_PLANE2_FD_EXT, EGL_DMA_BUF_PLANE2_OFFSET_EXT, EGL_DMA_BUF_PLANE2_PITCH_EXT,
         EGL_DMA_BUF_PLANE2_MODIFIER_LO_EXT, EGL_DMA_BUF_PLANE2_MODIFIER_HI_EXT},
        {EGL_DMA_BUF_PLANE3_FD_EXT, EGL_DMA_BUF_PLANE3_OFFSET_EXT, EGL_DMA_BUF_PLANE3_PITCH_EXT,
         EGL_DMA_BUF_PLANE3_MODIFIER_LO_EXT, EGL_DMA_BUF_PLANE3_MODIFIER_HI_EXT}};
    for (std::size_t i = 0; i < image.planes.size() && i < 4; ++i) {
      const auto& plane = image.planes[i];
      attribs.insert(attribs.end(),
                     {kPlaneAttribs[i][0], plane.fd.get(), kPlaneAttribs[i][1], static_cast<EGLint>(plane.offset),
                      kPlaneAttribs[i][2], static_cast<EGLint>(plane.stride)});
      if (modifiers_ && image.modifier != DRM_FORMAT_MOD_INVALID) {
        attribs.insert(attribs.end(), {kPlaneAttribs[i][3], static_cast<EGLint>(image.modifier & 0xffffffffu),
                                       kPlaneAttribs[i][4], static_cast<EGLint>(image.modifier >> 32)});
      }
    }
    attribs.push_back(EGL_NONE);
    egl_image_ = create_image_(display_, EGL_NO_CONTEXT, EGL_LINUX_DMA_BUF_EXT, nullptr, attribs.data());
    if (egl_image_ == EGL_NO_IMAGE_KHR) {
      last_error_ = egl_error("eglCreateImageKHR(EGL_LINUX_DMA_BUF_EXT)");
      return Errno{EINVAL};
    }
    note_made(Held::EglImage);
    glGenTextures(1, &texture_);
    glBindTexture(GL_TEXTURE_2D, texture_);
    image_target_(GL_TEXTURE_2D, egl_image_);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);  // complete without mipmaps: sampled by reads
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glGenFramebuffers(1, &framebuffer_);
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture_, 0);
    if (GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER); status != GL_FRAMEBUFFER_COMPLETE) {
      char code[16];
      std::snprintf(code, sizeof code, "0x%04x", status);
      last_error_ = std::string("FBO on the imported dma-buf is incomplete: ") + code;
      return Errno{EINVAL};
    }
    // The GPU read's own target, the imported image's size.
    glGenTextures(1, &read_texture_);
    glBindTexture(GL_TEXTURE_2D, read_texture_);
    glTexStorage2D(GL_TEXTURE_2D, 1, GL_RGBA8, static_cast<GLsizei>(image.width), static_cast<GLsizei>(image.height));
    glGenFramebuffers(1, &read_framebuffer_);
    glBindFramebuffer(GL_FRAMEBUFFER, read_framebuffer_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, read_texture_, 0);
    glBindTexture(GL_TEXTURE_2D, texture_);
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
    glViewport(0, 0, static_cast<GLsizei>(image.width), static_cast<GLsizei>(image.height));
    glUseProgram(program_);
    glBindVertexArray(vao_);
    return calibrate();
  }

  Probe can_wait() const override {
    if (!native_fences_) return Probe::unsupported("the EGL display has no EGL_ANDROID_native_fence_sync");
    if (!wait_sync_) return Probe::unsupported("the EGL display has no EGL_KHR_wait_sync");
    return Probe::supported();
  }

  Probe can_export_fence() const override {
    if (!native_fences_) return Probe::unsupported("the EGL display has no EGL_ANDROID_native_fence_sync");
    return Probe::supported();
  }

  // A gate: the sync_file as an EGL native fence sync the context waits on
  // (eglWaitSyncKHR: the GPU waits, or the driver does on the CPU). Then the
  // draw; with export_fence a native fence sync after it, whose sync_file
  // (eglDupNativeFenceFDANDROID) exists once the flush made it real.
  Status submit(std::uint32_t frame, const SubmitOptions& options) override {
    return submit_job(options, [&] { draw(frame); });
  }

  Status submit_job(const SubmitOptions& options, const std::function<void()>& job) {
    submit_fence_.reset();
    if (options.wait_for.get() >= 0) {
      if (Status waited = wait_on(options.wait_for); !waited) return waited;
    }
    job();
    if (sync_ != nullptr) glDeleteSync(sync_);
    sync_ = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
    EGLSyncKHR out = EGL_NO_SYNC_KHR;
    if (options.export_fence) {
      if (!native_fences_) return fail_unsupported(can_export_fence());
      const EGLint attribs[] = {EGL_NONE};
      out = create_sync_(display_, EGL_SYNC_NATIVE_FENCE_ANDROID, attribs);
      if (out == EGL_NO_SYNC_KHR) {
        last_error_ = egl_error("eglCreateSyncKHR(EGL_SYNC_NATIVE_FENCE_ANDROID)");
        return Errno{EIO};
      }
    }
    glFlush();
    if (out != EGL_NO_SYNC_KHR) {
      EGLint fd = dup_native_fence_(display_, out);
      if (fd == EGL_NO_NATIVE_FENCE_FD_ANDROID) last_error_ = egl_error("eglDupNativeFenceFDANDROID");
      destroy_sync_(display_, out);
      if (fd == EGL_NO_NATIVE_FENCE_FD_ANDROID) return Errno{EIO};
      submit_fence_ = UniqueFd(fd);
    }
    return gl_status();
  }

  // A draw sampling the imported image into the private target, with the
  // same gate, fence sync and native fence as a frame; then back to frames.
  Probe can_read() const override { return Probe::supported(); }

  Status submit_read(const SubmitOptions& options) override {
    glBindFramebuffer(GL_FRAMEBUFFER, read_framebuffer_);
    glUseProgram(read_program_);
    glUniform1i(read_iterations_location_, iterations_);
    Status submitted = submit_job(options, [] { glDrawArrays(GL_TRIANGLES, 0, 3); });
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
    glUseProgram(program_);
    return submitted;
  }

  Result<UniqueFd> take_submit_fence() override {
    if (!submit_fence_.valid()) {
      last_error_ = "no native fence was made for the last submit";
      return Errno{ENOENT};
    }
    return std::move(submit_fence_);
  }

  Result<bool> landed() override {
    if (sync_ == nullptr) return true;
    switch (glClientWaitSync(sync_, 0, 0)) {
      case GL_ALREADY_SIGNALED:
      case GL_CONDITION_SATISFIED: return true;
      case GL_TIMEOUT_EXPIRED: return false;
      default:
        last_error_ = "glClientWaitSync(sync, 0, 0) failed";
        if (Status status = gl_status(); !status) return status.err();
        return Errno{EIO};
    }
  }

  Status finish() override { return wait_until_idle(); }

  std::string last_error() const override { return last_error_; }

  bool validated() const override { return validated_; }
  std::vector<std::string> take_validation_errors() override {
    std::lock_guard lock(debug_mutex_);
    return std::exchange(debug_errors_, {});
  }

 private:
  void draw(std::uint32_t frame) {
    glUniform1ui(seed_location_, frame_seed(frame));
    glUniform1i(iterations_location_, iterations_);
    glDrawArrays(GL_TRIANGLES, 0, 3);
  }

  // glFinish() with a bound: a fence after everything submitted so far,
  // waited for at most kGpuFrame. A GPU that never finishes fails the test
  // with ETIMEDOUT instead of hanging the run.
  Status wait_until_idle() {
    GLsync idle = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
    if (idle == nullptr) {
      last_error_ = "glFenceSync failed";
      if (Status status = gl_status(); !status) return status;
      return Errno{EIO};
    }
    const auto timeout_ns = static_cast<GLuint64>(std::chrono::nanoseconds(timeouts::kGpuFrame).count());
    const GLenum waited = glClientWaitSync(idle, GL_SYNC_FLUSH_COMMANDS_BIT, timeout_ns);
    glDeleteSync(idle);
    switch (waited) {
      case GL_ALREADY_SIGNALED:
      case GL_CONDITION_SATISFIED: return gl_status();
      case GL_TIMEOUT_EXPIRED:
        last_error_ = "the GPU did not finish within " + std::to_string(timeouts::kGpuFrame.count()) + " ms";
        return Errno{ETIMEDOUT};
      default:
        last_error_ = "glClientWaitSync failed";
        if (Status status = gl_status(); !status) return status;
        return Errno{EIO};
    }
  }

  Status gl_status() {
    if (GLenum error = glGetError(); error != GL_NO_ERROR) {
      char code[16];
      std::snprintf(code, sizeof code, "0x%04x", error);
      last_error_ = std::string("GL error ") + code;
      return Errno{EIO};
    }
    return {};
  }

  // Sizes the loop (gpu/workload.h), measuring frames until idle. Draws
  // frame 0, the buffer's "previous frame", so it leaves known contents behind.
  Status calibrate() {
    auto iterations = calibrate_workload([this](std::uint32_t n) {
      iterations_ = static_cast<GLint>(n);
      draw(0);
      return wait_until_idle();
    });
    if (!iterations) return iterations.err();
    iterations_ = static_cast<GLint>(*iterations);
    return {};
  }

  static void GL_APIENTRY on_debug_message(GLenum /*source*/, GLenum type, GLuint id, GLenum severity, GLsizei length,
                                           const GLchar* message, const void* user) {
    if (type != GL_DEBUG_TYPE_ERROR_KHR) return;
    auto* self = static_cast<GlProducer*>(const_cast<void*>(user));
    char code[48];
    std::snprintf(code, sizeof code, "GL_KHR_debug error 0x%x (severity 0x%x): ", id, severity);
    std::lock_guard lock(self->debug_mutex_);
    self->debug_errors_.push_back(
        code + std::string(message, length < 0 ? std::strlen(message) : static_cast<std::size_t>(length)));
  }

  // The sync_file as an EGL native fence sync, waited on by the context.
  Status wait_on(BorrowedFd sync_file) {
    if (!native_fences_ || !wait_sync_) return fail_unsupported(can_wait());
    auto fd = UniqueFd::dup(sync_file);
    if (!fd) return fd.err();
    const EGLint attribs[] = {EGL_SYNC_NATIVE_FENCE_FD_ANDROID, fd->get(), EGL_NONE};
    EGLSyncKHR sync = create_sync_(display_, EGL_SYNC_NATIVE_FENCE_ANDROID, attribs);
    if (sync == EGL_NO_SYNC_KHR) {
      last_error_ = egl_error("eglCreateSyncKHR(EGL_SYNC_NATIVE_FENCE_ANDROID, the gate's sync_file)");
      return Errno{EIO};
    }
    (void)fd->release();  // EGL owns it now
    EGLint waited = wait_sync_fn_(display_, sync, 0);
    if (waited != EGL_TRUE) last_error_ = egl_error("eglWaitSyncKHR");
    destroy_sync_(display_, sync);
    return waited == EGL_TRUE ? Status{} : Status{Errno{EIO}};
  }

  Status fail_unsupported(const Probe& why) {
    last_error_ = why.describe();
    return Errno{ENOTSUP};
  }

  void release_target() {
    if (framebuffer_ != 0) glDeleteFramebuffers(1, &framebuffer_);
    if (texture_ != 0) glDeleteTextures(1, &texture_);
    if (read_framebuffer_ != 0) glDeleteFramebuffers(1, &read_framebuffer_);
    if (read_texture_ != 0) glDeleteTextures(1, &read_texture_);
    read_framebuffer_ = read_texture_ = 0;
    if (egl_image_ != EGL_NO_IMAGE_KHR) {
      destroy_image_(display_, egl_image_);
      note_released(Held::EglImage);
    }
    framebuffer_ = texture_ = 0;
    egl_image_ = EGL_NO_IMAGE_KHR;
  }

  EGLDisplay display_ = EGL_NO_DISPLAY;
  EGLContext context_ = EGL_NO_CONTEXT;
  EGLImageKHR egl_image_ = EGL_NO_IMAGE_KHR;
  PFNEGLCREATEIMAGEKHRPROC create_image_ = nullptr;
  PFNEGLDESTROYIMAGEKHRPROC destroy_image_ = nullptr;
  PFNGLEGLIMAGETARGETTEXTURE2DOESPROC image_target_ = nullptr;
  PFNEGLCREATESYNCKHRPROC create_sync_ = nullptr;
  PFNEGLDESTROYSYNCKHRPROC destroy_sync_ = nullptr;
  PFNEGLWAITSYNCKHRPROC wait_sync_fn_ = nullptr;
  PFNEGLDUPNATIVEFENCEFDANDROIDPROC dup_native_fence_ = nullptr;
  bool modifiers_ = false, native_fences_ = false, wait_sync_ = false;
  UniqueFd submit_fence_;  // the last submit's native fence, as a sync_file
  bool validated_ = false;
  std::mutex debug_mutex_;  // the driver may call back from its own threads
  std::vector<std::string> debug_errors_;
  GLuint program_ = 0, vao_ = 0, texture_ = 0, framebuffer_ = 0;
  GLuint read_program_ = 0, read_texture_ = 0, read_framebuffer_ = 0;
  GLint seed_location_ = -1, iterations_location_ = -1, read_iterations_location_ = -1;
  GLint iterations_ = 16;
  std::string renderer_, vendor_, version_, egl_vendor_, egl_version_, gbm_backend_, last_error_;
  GLsync sync_ = nullptr;  // the last submit's fence sync: landed() asks it
};

}  // namespace

MadeProducer make_gl_producer(const GbmDevice& gbm, const ProducerOptions& options) {
  auto producer = std::make_unique<GlProducer>();
  std::string error = producer->init(gbm, options);
  if (error.empty()) return {std::move(producer), Probe::supported()};
  if (error.rfind("unsupported: ", 0) == 0) return {nullptr, Probe::unsupported(error.substr(13))};
  return {nullptr, Probe::broken("gl producer: " + error, Errno{EIO})};
}

}  // namespace fc
