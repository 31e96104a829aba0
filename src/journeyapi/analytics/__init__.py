"""Journey events and the aggregate query engine."""
