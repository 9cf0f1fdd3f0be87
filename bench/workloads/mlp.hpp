// What the rest of the tool needs from the MLP workload besides the interface.
#pragma once
#include <string>
#include <vector>

namespace accel {

// "512,1024,64" -> {512, 1024, 64}; throws input_error naming the problem.
std::vector<int> parse_layers(const std::string& text);

}  // namespace accel
