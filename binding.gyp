{
  "variables": {
    "librdkafka_prefix%": "<!(node -p \"process.env.RDKAFKA_NAPI_LIBRDKAFKA_PREFIX || ''\")",
    "use_system_librdkafka%": "<!(node -p \"process.env.RDKAFKA_NAPI_SYSTEM_LIBRDKAFKA === '1' ? 'true' : 'false'\")"
  },
  "targets": [
    {
      "target_name": "rdkafka_napi",
      "sources": [
        "native/addon.cc",
        "native/admin_acls.cc",
        "native/admin_client.cc",
        "native/admin_cluster.cc",
        "native/admin_configs.cc",
        "native/admin_groups.cc",
        "native/admin_request.cc",
        "native/admin_topics.cc",
        "native/client_config.cc",
        "native/client_events.cc",
        "native/client_handle.cc",
        "native/closables.cc",
        "native/consumer.cc",
        "native/group_metadata.cc",
        "native/kafka_error.cc",
        "native/library_info.cc",
        "native/message_bytes.cc",
        "native/message_reaper.cc",
        "native/metadata.cc",
        "native/mock_cluster.cc",
        "native/oauth_token.cc",
        "native/partition_list.cc",
        "native/producer.cc",
        "native/queue_wakeup.cc",
        "native/transactions.cc",
        "native/wire_layout.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags": ["-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-ignored-qualifiers"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility=hidden", "-fvisibility-inlines-hidden"],
      "ldflags": ["-Wl,--exclude-libs,ALL", "-Wl,--as-needed"],
      "conditions": [
        ["use_system_librdkafka=='true'", {
          "cflags_cc": ["<!@(pkg-config --cflags rdkafka)"],
          "libraries": ["<!@(pkg-config --libs rdkafka)"],
          "defines": ["RDKAFKA_NAPI_SYSTEM_LIBRDKAFKA"]
        }, {
          "include_dirs": ["<(librdkafka_prefix)/include"],
          "libraries": [
            "<(librdkafka_prefix)/lib/librdkafka.a",
            "<!@(cat <(librdkafka_prefix)/link-flags.txt)"
          ]
        }]
      ]
    }
  ]
}
