# Reads topics back with ruby-kafka (shipped with fluent-plugin-kafka in the image).
require 'kafka'
require 'logger'

module Day2
  module KafkaRead
    module_function

    def client
      Kafka.new(['kafka:9092'], client_id: 'de-lab-day2', logger: Logger.new(nil))
    end

    def delete(kafka, topic)
      kafka.delete_topic(topic, timeout: 30) if kafka.topics.include?(topic)
    rescue Kafka::UnknownTopicOrPartition
      nil
    end

    # Every message of a topic: [{partition:, key:, value:, offset:}]
    def messages(kafka, topic)
      return [] unless kafka.topics.include?(topic)
      (0...kafka.partitions_for(topic)).flat_map do |partition|
        last = kafka.last_offset_for(topic, partition)
        offset = :earliest
        out = []
        while out.empty? || out.last[:offset] < last
          batch = kafka.fetch_messages(topic: topic, partition: partition, offset: offset, max_wait_time: 1)
          break if batch.empty?
          batch.each { |m| out << { partition: partition, key: m.key, value: m.value, offset: m.offset } }
          offset = out.last[:offset] + 1
        end
        out
      end
    end
  end
end
