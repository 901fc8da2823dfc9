#include "libs/rpc/served_services.h"

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "grpcpp/impl/server_initializer.h"

namespace backplan::rpc {
namespace {

class CapturePlugin : public grpc::ServerBuilderPlugin {
 public:
  explicit CapturePlugin(std::vector<std::string>* names) : names_(names) {}
  std::string name() override { return "backplan_served_services"; }
  void InitServer(grpc::ServerInitializer*) override {}
  // Called once every service (reflection's and health's too) is
  // registered.
  void Finish(grpc::ServerInitializer* si) override {
    *names_ = *si->GetServiceList();
  }
  void ChangeArguments(const std::string&, void*) override {}

 private:
  std::vector<std::string>* names_;
};

class CaptureOption : public grpc::ServerBuilderOption {
 public:
  explicit CaptureOption(std::vector<std::string>* names) : names_(names) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    plugins->push_back(std::make_unique<CapturePlugin>(names_));
  }

 private:
  std::vector<std::string>* names_;
};

}  // namespace

void CaptureServedServices(grpc::ServerBuilder* builder,
                           std::vector<std::string>* names) {
  builder->SetOption(std::make_unique<CaptureOption>(names));
}

}  // namespace backplan::rpc
